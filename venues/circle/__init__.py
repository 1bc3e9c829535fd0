"""The 15-minute service circle (工会15分钟服务圈): every union service point of a city.

One concept of a point: the palace's satellite points (一宫多点) are service points of a kind, beside
workers' homes, stations for outdoor workers, workers' libraries and the palace building itself.
The model keeps its historic name `SatellitePoint` (the ledger and the API refer to it); it lives
here and is re-exported by `venues.models`.
"""
