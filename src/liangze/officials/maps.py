"""Links that open a phone's map app at a business's point (docs/domain.md §3.4: points are
WGS-84 micro-degrees)."""

from urllib.parse import quote, urlencode


def _degrees(e6: int) -> str:
    sign = "-" if e6 < 0 else ""
    whole, part = divmod(abs(e6), 1_000_000)
    return f"{sign}{whole}.{part:06d}"


def geo_uri(business) -> str:
    """RFC 5870 geo: URI (Android opens the chosen map app); '' without a point."""
    if business.lat_e6 is None or business.lng_e6 is None:
        return ""
    lat, lng = _degrees(business.lat_e6), _degrees(business.lng_e6)
    return f"geo:{lat},{lng}?q={lat},{lng}({quote(business.name)})"


def amap_url(business) -> str:
    """Amap's marker page (opens its app where installed; it converts from WGS-84 itself)."""
    if business.lat_e6 is None or business.lng_e6 is None:
        return ""
    query = urlencode(
        {
            "position": f"{_degrees(business.lng_e6)},{_degrees(business.lat_e6)}",
            "name": business.name,
            "coordinate": "wgs84",
            "callnative": "1",
        }
    )
    return f"https://uri.amap.com/marker?{query}"
