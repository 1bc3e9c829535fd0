"""Employment services of a palace (职工创业就业服务中心, issue 12): employers and their job postings,
applications with interviews and placements, job fairs and livestreamed recruiting (直播荐岗), and
the maker residency of the entrepreneurship centre (创业孵化) with the support its residents got."""
