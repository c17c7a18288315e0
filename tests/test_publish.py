"""`make publish` builds with publishconf.py: absolute URLs from SITEURL."""

from __future__ import annotations

from pathlib import Path

from conftest import build, page_at, soup


def published(tmp_path: Path, siteurl: str) -> Path:
    """`make publish`'s build with SITEURL from the environment: its output folder."""
    output = tmp_path / "public"
    result = build(output, settings="publishconf.py",
                   overrides={"CACHE_PATH": str(tmp_path / "cache")}, env={"SITEURL": siteurl})
    assert result.ok, result.stderr
    return output


def test_publish_build_uses_absolute_siteurl_from_environment(tmp_path):
    output = published(tmp_path, "https://coop.example.net/")
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


def test_a_site_served_from_a_folder_keeps_links_written_from_its_root(tmp_path):
    # A fork's GitHub Pages: https://<owner>.github.io/<repo>. The collaborate page links to
    # the working groups as contributors write it, [working groups page](/working-groups/).
    output = published(tmp_path, "https://owner.github.io/coop")
    doc = soup(page_at(output, "/collaborate/"))
    hrefs = [a["href"] for a in doc.select("main a") if a.get_text(strip=True) ==
             "working groups page"]
    assert hrefs == ["/coop/working-groups/"]
    assert (output / "working-groups" / "index.html").is_file()
    rooted = [a["href"] for a in doc.select("a[href^='/']")]
    assert rooted and all(h.startswith("/coop/") for h in rooted), rooted


def test_links_from_the_root_get_the_sites_folder_in_text_and_html_but_not_in_code():
    import markdown
    from bs4 import BeautifulSoup

    text = ('[about](/about/) ![map](/images/map.svg) <a href="/contact/">write</a> '
            "[elsewhere](//cdn.example.org/x) [site](https://open.coop/) [top](#top)\n\n"
            "    <a href=\"/in-code/\">\n\n`<img src=\"/inline-code.png\">`")
    extensions = ["publishing.sitepath"]
    served = markdown.markdown(text, extensions=extensions, extension_configs={
        "publishing.sitepath": {"siteurl": "https://owner.github.io/coop/"}})
    doc = BeautifulSoup(served, "html.parser")
    assert [a["href"] for a in doc.find_all("a")] == [
        "/coop/about/", "/coop/contact/", "//cdn.example.org/x", "https://open.coop/", "#top"]
    assert doc.find("img")["src"] == "/coop/images/map.svg"
    assert [c.get_text() for c in doc.find_all("code")] == [
        '<a href="/in-code/">\n', '<img src="/inline-code.png">']
    at_root = markdown.markdown(text, extensions=extensions, extension_configs={
        "publishing.sitepath": {"siteurl": "https://open.coop"}})
    assert at_root == markdown.markdown(text)
