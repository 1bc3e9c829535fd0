"""The words the demo province is written with: street, park, town and venue names, reasons.

Plain data (demo data is Chinese by design). Real street and development-zone names of each city
make the demo read true; towns, communities and venue names are typical rather than real.
"""

# Main streets of each city's centre, for city-level palaces' addresses.
CITY_STREETS: dict[str, tuple[str, ...]] = {
    "360100": ("八一大道", "阳明路", "叠山路", "北京西路", "红谷中大道", "洪都中大道"),
    "360200": ("珠山中路", "瓷都大道", "昌江大道", "新厂西路"),
    "360300": ("跃进北路", "建设中路", "公园路", "萍实路"),
    "360400": ("浔阳东路", "长虹大道", "庐山南路", "十里大道"),
    "360500": ("仙来中大道", "抱石大道", "劳动北路", "胜利南路"),
    "360600": ("胜利东路", "林荫西路", "站江路", "环城西路"),
    "360700": ("红旗大道", "章江南大道", "文清路", "长征大道"),
    "360800": ("井冈山大道", "吉州大道", "阳明西路", "城南大道"),
    "360900": ("宜阳大道", "袁州大道", "中山中路", "明月北路"),
    "361000": ("赣东大道", "学府路", "荣山路", "玉茗大道"),
    "361100": ("五三大道", "带湖路", "中山路", "凤凰大道"),
}

# Streets every county town has one of.
COUNTY_STREETS: tuple[str, ...] = (
    "人民路",
    "解放路",
    "建设路",
    "文化路",
    "工人路",
    "胜利路",
    "新华路",
    "中山路",
    "府前路",
    "迎宾大道",
    "滨江路",
    "沿江路",
    "城南大道",
    "工业大道",
    "健康路",
    "和平路",
)

# Development zones and industrial parks of each city (一宫多点: points for workers on site).
CITY_PARKS: dict[str, tuple[str, ...]] = {
    "360100": ("南昌高新区", "南昌经开区", "小蓝经开区", "桑海经开区"),
    "360200": ("景德镇高新区", "景德镇陶瓷工业园区"),
    "360300": ("萍乡经开区", "萍乡高新区"),
    "360400": ("九江经开区", "共青城高新区", "湖口高新区"),
    "360500": ("新余高新区", "袁河经开区"),
    "360600": ("鹰潭高新区", "贵溪工业园区"),
    "360700": ("赣州经开区", "龙南经开区", "瑞金经开区"),
    "360800": ("吉安高新区", "井冈山经开区"),
    "360900": ("宜春经开区", "丰城高新区"),
    "361000": ("抚州高新区", "东乡经开区"),
    "361100": ("上饶经开区", "上饶高新区"),
}

COUNTY_PARK_PATTERNS: tuple[str, ...] = ("{unit}工业园区", "{unit}高新技术产业园", "{unit}经济开发区")
# Urban districts host science parks and start-up parks rather than industrial zones.
DISTRICT_PARK_PATTERNS: tuple[str, ...] = ("{unit}科技园", "{unit}创新创业园", "{unit}总部经济园")
PARK_POINT_SUFFIXES: tuple[str, ...] = ("职工活动点", "职工服务站")

TOWNS_STREETS: tuple[str, ...] = (
    "城南街道",
    "城北街道",
    "东城街道",
    "西城街道",
    "新城街道",
    "河东街道",
    "滨江街道",
    "长安镇",
    "太平镇",
    "新华镇",
    "青山镇",
    "石门镇",
    "塘下镇",
    "白云镇",
    "罗坊镇",
    "梅林镇",
    "黄溪镇",
    "白沙镇",
    "竹山镇",
    "高桥镇",
)
TOWN_POINT_SUFFIXES: tuple[str, ...] = ("职工服务站", "工会活动点", "职工之家")

COMMUNITIES_VILLAGES: tuple[str, ...] = (
    "幸福社区",
    "和平社区",
    "建设社区",
    "光明社区",
    "滨江社区",
    "阳光社区",
    "友谊社区",
    "新村社区",
    "红星村",
    "桃源村",
    "枫林村",
    "柏树村",
    "杨家村",
    "东山村",
    "荷塘村",
)
COMMUNITY_POINT_SUFFIXES: tuple[str, ...] = ("职工之家", "职工书屋", "文化活动点")
PARK_STREETS: tuple[str, ...] = ("工业大道", "创业路", "科技大道", "产业大道", "发展大道", "园区一路")

# The second city-level palace in service of the biggest cities (e.g. Nanchang's old and new).
SECOND_CITY_PALACES: dict[str, str] = {
    "360100": "南昌市职工文化中心",
    "360400": "九江市职工活动中心",
    "360700": "赣州市职工文化体育中心",
    "361100": "上饶市职工文化中心",
}
SECOND_COUNTY_PALACE_PATTERNS: tuple[str, ...] = ("{unit}职工文化活动中心", "{unit}职工文化中心")

DESCRIPTION_CITY = (
    "{name}始建于{year}年，是{city}总工会直属的公益性职工文化阵地，建筑面积{area}平方米，"
    "设文化、教育、健康、服务四个中心，常年开展职工夜校、劳模讲堂、文体赛事和帮扶维权服务。"
)
DESCRIPTION_COUNTY = (
    "{name}建筑面积{area}平方米，{year}年建成投用，是{unit}职工群众身边的“职工之家”，"
    "提供阅读、技能培训、文体健身和帮扶维权等公益服务。"
)
DESCRIPTION_UNDER_CONSTRUCTION = (
    "{name}项目正在建设中，规划建筑面积约{area}平方米，建成后将设置文化、教育、健康、服务四个中心。"
)
DESCRIPTION_EQUIPMENT = "{name}主体工程已完工，建筑面积{area}平方米，正在进行设备进场安装，预计近期投入使用。"
DESCRIPTION_PLANNED = "{name}已列入{unit}新建计划，目前正在开展前期选址和设计工作。"
DESCRIPTION_CLOSED = "{name}因房屋老化已停止对外开放，相关服务由{unit}新建的工人文化宫承接。"

# Whole-palace closures: (reason, days).
PALACE_CLOSURES: tuple[tuple[str, int], ...] = (
    ("消防设施年度检修，暂停对外开放", 1),
    ("中央空调系统维护保养", 2),
    ("承办全省职工篮球赛决赛，暂停对外开放", 3),
    ("电力线路改造停电", 1),
    ("配合文明城市创建迎检，场馆集中整治", 1),
    ("举办全市职工运动会，暂停对外开放", 2),
)

# Closures of one venue, by kind; other kinds use VENUE_CLOSURE_DEFAULT.
VENUE_CLOSURES: dict[str, tuple[str, int]] = {
    "swimming_pool": ("泳池换水消毒", 3),
    "badminton": ("场地地胶翻新", 5),
    "basketball": ("场地划线及篮架维修", 2),
    "theatre": ("舞台灯光音响改造", 10),
    "multi_function_hall": ("投影及音响设备更换", 4),
    "gym": ("健身器材检修更换", 2),
    "library": ("图书盘点上架", 3),
    "karaoke": ("音响点歌设备检修", 2),
    "table_tennis": ("球台及挡板更换", 1),
    "chess_cards": ("桌椅更换", 1),
    "classroom": ("借用为职工技能等级认定考场", 2),
    "skill_training": ("实训设备安装调试", 3),
}
VENUE_CLOSURE_DEFAULT: tuple[str, int] = ("设备维护保养", 2)
WINDOW_CLOSURE: tuple[str, int] = ("窗口工作人员集中业务培训", 1)

# Venue names by kind: either a numbered pattern (courts, tables, rooms) or a few names to choose.
NUMBERED_VENUES: dict[str, str] = {
    "karaoke": "卡拉OK室{n}",
    "skill_training": "技能培训室{n}",
    "classroom": "职工课堂{n}号教室",
    "basketball": "篮球场{n}号场",
    "badminton": "羽毛球馆{n}号场",
    "table_tennis": "乒乓球室{n}号台",
    "air_volleyball": "气排球场{n}号场",
    "billiards": "台球室{n}号台",
}
NAMED_VENUES: dict[str, tuple[str, ...]] = {
    "theatre": ("职工影剧院", "工人影剧院", "职工剧场"),
    "folk_stage": ("民间小舞台", "露天小舞台"),
    "chess_cards": ("棋牌室", "棋艺活动室"),
    "dance_hall": ("职工歌舞厅", "交谊舞厅"),
    "leisure_square": ("文化休闲广场", "职工文化广场"),
    "art_gallery": ("职工美术馆", "书画展厅"),
    "exhibition_hall": ("工运史展览馆", "劳模工匠精神展厅", "“三种精神”展览馆"),
    "library": ("职工书屋",),
    "e_reading": ("电子阅览室",),
    "multi_function_hall": ("多功能厅", "学术报告厅"),
    "yoga": ("瑜伽室",),
    "gym": ("健身馆", "职工健身房"),
    "dance_rehearsal": ("舞蹈排练厅",),
    "swimming_pool": ("游泳馆",),
    "football": ("五人制足球场", "笼式足球场"),
    "aid_window": ("困难职工帮扶窗口",),
    "relief_window": ("职工救助窗口",),
    "consultation_window": ("政策咨询窗口",),
    "employment_window": ("就业服务窗口",),
    "legal_aid_window": ("法律援助窗口（律师轮值）",),
    "mutual_insurance_window": ("职工互助保障窗口",),
    "mediation_room": ("劳动争议调解室",),
}

FACILITIES: dict[str, str] = {
    "theatre": "舞台、专业灯光音响、LED大屏，可放映数字电影",
    "folk_stage": "固定舞台、基础音响，供职工文艺团队演出",
    "karaoke": "点歌系统、音响、沙发",
    "chess_cards": "自动麻将桌、象棋、围棋、桥牌",
    "dance_hall": "木地板、灯光音响",
    "leisure_square": "广场音响、夜间照明",
    "art_gallery": "展墙、轨道射灯",
    "exhibition_hall": "展板、实物展柜、多媒体讲解屏",
    "library": "藏书1万余册、报刊架、阅读座位、自助借还机",
    "e_reading": "电脑、电子书阅读器、无线网络",
    "multi_function_hall": "投影、音响、可移动桌椅",
    "skill_training": "实训工位、投影、白板",
    "classroom": "课桌椅、投影、白板",
    "basketball": "标准场地、电子记分牌",
    "badminton": "标准木地板场地、防眩光照明",
    "table_tennis": "比赛级球台、挡板",
    "air_volleyball": "标准场地、球网",
    "billiards": "中式八球台、球杆",
    "yoga": "瑜伽垫、镜墙、音响",
    "gym": "跑步机、力量器械、更衣室",
    "dance_rehearsal": "木地板、把杆、镜墙",
    "swimming_pool": "恒温泳池、淋浴更衣室、救生员值守",
    "football": "人造草坪、夜间照明",
    "aid_window": "帮扶申请受理、困难职工建档",
    "relief_window": "救助申请受理",
    "consultation_window": "政策咨询、办事指引",
    "employment_window": "岗位推荐、直播荐岗、职业指导",
    "legal_aid_window": "律师轮值、法律咨询、维权受理",
    "mutual_insurance_window": "职工互助保障参保及理赔受理",
    "mediation_room": "调解桌、录音录像设备",
}

OUTDOOR_KINDS: frozenset[str] = frozenset({"football", "leisure_square", "folk_stage"})
FLOOR_NAMES: tuple[str, ...] = (
    "一楼", "二楼", "三楼", "四楼", "五楼", "六楼", "七楼", "八楼", "九楼", "十楼", "十一楼", "十二楼",
)  # fmt: skip
SERVICE_FLOOR = "一楼服务大厅"
ACCESSIBILITY_NOTES: tuple[str, ...] = (
    "无障碍通道，电梯直达",
    "设无障碍卫生间，可预约志愿者引导",
    "入口设有坡道",
)
