"""`make publish` builds with publishconf.py: absolute URLs from SITEURL."""

from __future__ import annotations

from conftest import build, page_at, soup


def test_publish_build_uses_absolute_siteurl_from_environment(tmp_path):
    output = tmp_path / "public"
    result = build(output, settings="publishconf.py",
                   overrides={"CACHE_PATH": str(tmp_path / "cache")},
                   env={"SITEURL": "https://coop.example.net/"})
    assert result.ok, result.stderr
    doc = soup(page_at(output, "/blog/"))
    links = [a["href"] for a in doc.select("main .card-title a")]
    assert links and all(h.startswith("https://coop.example.net/blog/") for h in links)
    css = doc.find("link", rel="stylesheet")["href"]
    assert css == "https://coop.example.net/theme/css/site.css"
    assert (output / "theme" / "css" / "site.css").is_file()


def test_local_build_uses_root_relative_links(real_site):
    doc = soup(page_at(real_site, "/"))
    nav = [a["href"] for a in doc.select("nav.site-nav a")]
    assert nav == ["/", "/about/", "/blog/", "/events/", "/collaborate/", "/contact/"]
