"""The shipped regions (config/regions.yaml) place events where conflict researchers would: hand-built events at
real coordinates, each expectation from the box or area it falls in or outside of (docs/indicators.md, "Regions
and membership")."""

from __future__ import annotations

from indicators_data import SOURCES, memberships


def test_shipped_areas_keep_a_sides_domestic_news_out(make_config):
    config = make_config(SOURCES)  # config/regions.yaml as shipped
    cases = {  # event id -> (kwargs, expected {region: reason})
        # Russia-Ukraine: the Azov box starts at 45.2 N (Kerch 45.36 N) and ends at 38.3 E (Yeysk), so Krasnodar
        # (45.04 N) and inland Timashevsk are not in it; Taganrog Bay has its own box
        "kerch": (dict(a1="RUS", a2="RUS", action="RUS", lat=45.36, lon=36.47), {"russia-ukraine": "area"}),
        "krasnodar": (dict(a1="RUS", a2="RUS", action="RUS", lat=45.04, lon=38.98), {}),
        "timashevsk": (dict(a1="RUS", a2="RUS", action="RUS", lat=45.62, lon=38.94), {}),  # inland Kuban
        "yeysk": (dict(a1="RUS", a2="RUS", action="RUS", lat=46.71, lon=38.28), {"russia-ukraine": "area"}),
        "taganrog": (dict(a1="RUS", code2="MIL", action="RUS", lat=47.21, lon=38.90), {"russia-ukraine": "area"}),
        # the north-western Black Sea box is Ukraine's shore and the sea: a Russian drone's debris at Sulina
        # (Romania's Danube delta) is not the war's ground; a Russian warship at sea is
        "sulina": (dict(a1="RUS", code2="MIL", action="ROU", lat=45.16, lon=29.65), {}),
        "black-sea": (dict(a1="RUS", code2="SHP", fips="OS", geo_type=4, lat=45.0, lon=31.0), {"russia-ukraine": "area"}),
        # Afghanistan-Pakistan: the former tribal areas, Khyber Pakhtunkhwa and Balochistan's border districts
        # (Chaman, Zhob); Quetta and Khuzdar are the Baloch insurgency's, another conflict
        "chaman": (dict(a1="PAK", code2="REB", action="PAK", adm1="PK02", lat=30.92, lon=66.45),
                   {"afghanistan-pakistan": "area"}),
        "zhob": (dict(a1="PAK", code2="REB", action="PAK", adm1="PK02", lat=31.34, lon=69.45),
                 {"afghanistan-pakistan": "area"}),
        "quetta": (dict(a1="PAK", code2="REB", action="PAK", adm1="PK02", lat=30.19, lon=67.01), {}),
        "khuzdar": (dict(a1="PAK", code2="REB", action="PAK", adm1="PK02", lat=27.8, lon=66.62), {}),
        "peshawar": (dict(a1="PAK", code2="REB", action="PAK", adm1="PK03", lat=34.01, lon=71.58),
                     {"afghanistan-pakistan": "area"}),
        # Korean Peninsula: the South's border strip (Paju, Cheorwon, Yeonpyeong, Ganghwa), not Chuncheon, Seoul,
        # Uijeongbu or Sokcho
        "paju": (dict(a1="KOR", a2="KOR", action="KOR", lat=37.76, lon=126.78), {"korean-peninsula": "area"}),
        "cheorwon": (dict(a1="KOR", a2="KOR", action="KOR", lat=38.15, lon=127.31), {"korean-peninsula": "area"}),
        "yeonpyeong": (dict(a1="KOR", action="KOR", lat=37.67, lon=125.70), {"korean-peninsula": "area"}),
        "chuncheon": (dict(a1="KOR", a2="KOR", action="KOR", lat=37.88, lon=127.73), {}),
        "ganghwa": (dict(a1="KOR", code2="MIL", action="KOR", lat=37.75, lon=126.49), {"korean-peninsula": "area"}),
        "uijeongbu": (dict(a1="KOR", a2="KOR", action="KOR", lat=37.738, lon=127.05), {}),
        "sokcho": (dict(a1="KOR", a2="KOR", action="KOR", lat=38.21, lon=128.59), {}),
        "seoul": (dict(a1="KOR", a2="KOR", action="KOR", lat=37.57, lon=126.98), {}),
        # Taiwan Strait: Taipei's domestic news is not the conflict; Kinmen is, Xiamen across the water is not
        # (a Chinese place), and Penghu is in the strait
        "taipei": (dict(a1="TWN", a2="TWN", action="TWN", lat=25.05, lon=121.53), {}),
        "kinmen": (dict(a1="TWN", code2="MIL", action="TWN", lat=24.43, lon=118.32), {"taiwan-strait": "area"}),
        "xiamen": (dict(a1="CHN", a2="CHN", action="CHN", lat=24.48, lon=118.09), {}),
        "penghu": (dict(a1="CHN", code2="MIL", action="TWN", lat=23.57, lon=119.58), {"taiwan-strait": "area"}),
        "taipei-dyad": (dict(a1="CHN", a2="TWN", action="TWN", lat=25.05, lon=121.53), {"taiwan-strait": "dyad"}),
        # Venezuela: the box is the sea north of 11.8 N off its coast and Venezuela's islands in it, not other
        # countries' islands (Curacao, Aruba), not the Windward Islands east of 62.5 W, not Venezuela's mainland
        # coast (Coro, 11.4 N); the sides meet anywhere (Margarita, 11.0 N, is south of the box)
        "margarita": (dict(a1="USA", a2="VEN", action="VEN", lat=11.0, lon=-63.9),
                      {"venezuela-caribbean": "dyad"}),
        "curacao": (dict(a1="USA", action="CUW", lat=12.11, lon=-68.93), {}),
        "aruba": (dict(a1="USA", code2="CVL", action="ABW", lat=12.52, lon=-70.03), {}),
        "coro": (dict(a1="VEN", code2="CRM", action="VEN", lat=11.4, lon=-69.67), {}),
        "caribbean-sea": (dict(a1="USA", code2="CRM", fips="OS", geo_type=4, lat=13.0, lon=-66.0),
                          {"venezuela-caribbean": "area"}),  # at sea: GDELT's OS, no country
        "los-roques": (dict(a1="VEN", code2="MIL", action="VEN", lat=11.85, lon=-66.75), {"venezuela-caribbean": "area"}),
        "st-lucia": (dict(a1="USA", a2="LCA", action="LCA", lat=14.01, lon=-61.0), {}),
        # Yemen's Red Sea and Gulf of Aden boxes: Yemen's shore and the sea, not Jizan (Saudi Arabia), Assab
        # (Eritrea) or Bosaso (Puntland, which is Somalia's: horn-of-africa)
        "hodeidah": (dict(a1="YEM", a2="YEM", action="YEM", lat=14.8, lon=42.95), {"yemen": "area"}),
        "red-sea": (dict(code1="REB", code2="SHP", fips="OS", geo_type=4, lat=14.5, lon=42.0), {"yemen": "area"}),
        # no ISO3 because the code is unknown to the reference table, not because it is the sea: not in the box
        "unmapped": (dict(code1="REB", code2="SHP", fips="XX", geo_type=4, lat=14.5, lon=42.0), {}),
        "jizan": (dict(a1="SAU", code2="CRM", action="SAU", lat=16.89, lon=42.55), {}),
        "assab": (dict(a1="ERI", a2="ARE", action="ERI", lat=13.01, lon=42.74), {}),
        "bosaso": (dict(a1="SOM", code2="CVL", action="SOM", lat=11.28, lon=49.18), {"horn-of-africa": "area"}),
        # Hormuz: the strait and Iran's islands, not Ras al-Khaimah (UAE)
        "ras-al-khaimah": (dict(a1="ISR", a2="ARE", action="ARE", lat=25.79, lon=55.94), {}),
        "hormuz-island": (dict(a1="IRN", code2="MIL", action="IRN", lat=27.06, lon=56.45), {"middle-east": "area"}),
        # Israel's northern border: Hezbollah's fire (coded as Lebanese rebels) on Kiryat Shmona; not Nahariya
        "kiryat-shmona": (dict(a1="LBN", code1="LBNREB", a2="ISR", action="ISR", lat=33.21, lon=35.57), {"middle-east": "area"}),
        "nahariya": (dict(a1="LBN", code1="LBNREB", a2="ISR", action="ISR", lat=33.01, lon=35.09), {}),
        # territories that are the theatre: an event GDELT places only at the Gaza Strip's (or the Spratlys')
        # centroid, with the territory's FIPS code as its ADM1 code, is in the region's areas
        "gaza-centroid": (dict(a1="ISR", code2="MIL", action="PSE", fips="GZ", adm1="GZ", geo_type=1,
                               lat=31.42, lon=34.36), {"israel-palestine": "area"}),
        "spratly-centroid": (dict(a1="CHN", code2="MIL", fips="PG", adm1="PG", geo_type=1, lat=8.6, lon=111.9),
                             {"south-china-sea": "area"}),
        # a country's centroid (geo type 1) joins no area, whoever acts
        "ukraine-centroid": (dict(a1="UKR", a2="USA", action="UKR", geo_type=1, lat=49.0, lon=32.0), {}),
        "syria-centroid": (dict(a1="DEU", a2="SYR", action="SYR", geo_type=1, lat=35.0, lon=38.0), {}),
        "aleppo": (dict(a1="SYR", a2="SYR", action="SYR", lat=36.2, lon=37.16), {"syria": "area"}),
        # a box's edges are in it (BETWEEN), whichever 1-degree cell they fall in: the membership finds an event's
        # boxes by its cell (the floor of latitude and longitude), west of Greenwich too
        "azov-south-west-corner": (dict(a1="RUS", code2="MIL", action="RUS", lat=45.2, lon=34.8),
                                   {"russia-ukraine": "area"}),
        "taganrog-north-east-corner": (dict(a1="RUS", code2="MIL", action="RUS", lat=47.3, lon=39.3),
                                       {"russia-ukraine": "area"}),
        "caribbean-east-edge": (dict(a1="VEN", code2="MIL", action="VEN", lat=15.5, lon=-62.5),
                                {"venezuela-caribbean": "area"}),
        "caribbean-just-east": (dict(a1="VEN", code2="MIL", action="VEN", lat=15.5, lon=-62.4999), {}),
        "essequibo-south-west": (dict(a1="VEN", code2="MIL", action="GUY", lat=1.2, lon=-61.4),
                                 {"venezuela-caribbean": "area"}),
    }
    assert memberships(config, cases) == {eid: want for eid, (_, want) in cases.items()}
