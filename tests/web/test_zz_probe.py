import re, time, statistics
from tests.web.conftest import email

async def test_probe(web, sign_in):
    async def timed(path):
        times = []
        for _ in range(9):
            t = time.perf_counter(); r = await web.get(path); times.append(time.perf_counter() - t)
            assert r.status_code == 200, path
        print(f"{path[:40]:40} median {statistics.median(times)*1000:.0f} ms  {len(r.content)} bytes")
        return r
    await sign_in(web, email("employer-admin"))
    for path in ["/demand/new", "/demand/new?occupation=51-4041", "/demand", "/demand/pooled", "/contributions", "/demand/occupations.json?q=machin"]:
        await timed(path)
    await sign_in(web, email("funder"))
    r = await timed("/funds")
    pid = re.search(r'href="/funds/([^"/]+)"', r.text).group(1)
    await timed(f"/funds/{pid}")
    await timed(f"/funds/{pid}/report.xlsx")
