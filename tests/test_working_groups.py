"""Working groups as a reader sees them: group pages, lists, links from posts, JSON-LD, errors."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, FixtureSite, page_at, soup, tree_digest
from working_groups_support import group_file

ALPHA_POSTS = 11  # one more than fits on the group page


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> FixtureSite:
    site = FixtureSite(tmp_path_factory.mktemp("groups"))
    group_file(site, "alpha", title="Alpha Group", order="20", extra="""
        Docs: https://docs.example.org/alpha/
        Join: https://example.org/alpha/join/
        Chat: https://chat.example.org/alpha
        Contact: alpha@example.org""", body="## Background\n\nAlpha has a *long* history.")
    group_file(site, "aardvark", title="Aardvark Group", order="20", status="forming",
               extra="Docs: https://docs.example.org/aardvark/\nJoin: https://example.org/aardvark/\n"
               "Contact: mailto:aardvark@example.org")
    group_file(site, "beta-team", title="Beta Group", order="10", status="paused")
    group_file(site, "empty", title="Empty Group", order="30")
    group_file(site, "zeta", title="Zeta Group",
               purpose="Makes </script><b>bold</b> claims & more.")
    group_file(site, "old", title="Old Group", order="1", status="archived",
               extra="Slug: old-directory")
    for number in range(1, ALPHA_POSTS + 1):
        site.post(f"alpha-{number:02d}", title=f"Alpha post {number:02d}",
                  date=f"2020-{number:02d}-01 10:00", extra="Group: alpha")
    site.post("alpha-draft", title="Alpha draft", extra="Status: draft\nGroup: alpha")
    site.post("beta-post", title="Beta post", extra="Group: beta-team")
    site.post("loose-post", title="Loose post")
    site.page("collaborate", "Collaborate", body="## Join a working group\n\nPick one below.")
    result = site.build()
    assert result.ok, result.stderr
    return site


def _main(site: FixtureSite, url: str):
    path = page_at(site.output, url)
    assert path.is_file(), f"{url} was not built"
    return soup(path)


def _titles(container) -> list[str]:
    return [h.get_text(strip=True) for h in container.select(".group-card .card-title")]


def test_post_in_a_group_appears_on_the_group_page_and_links_back(built):
    doc = _main(built, "/working-groups/alpha/")
    assert doc.h1.get_text(strip=True) == "Alpha Group"
    posts = doc.find("section", attrs={"aria-labelledby": "group-posts"})
    titles = [a.get_text(strip=True) for a in posts.select(".card-title a")]
    # the ten newest, newest first; drafts never listed
    assert titles == [f"Alpha post {n:02d}" for n in range(ALPHA_POSTS, 1, -1)]
    all_link = posts.find("a", string=f"All {ALPHA_POSTS} posts")
    assert all_link is not None
    everything = _main(built, all_link["href"])
    assert len(everything.select(".card-title a")) == ALPHA_POSTS
    assert "Alpha draft" not in everything.get_text()

    post = _main(built, posts.select_one(".card-title a")["href"])
    back = post.select_one(".post-group a")
    assert back["href"] == "/working-groups/alpha/"
    assert post.select_one(".post-group").get_text(" ", strip=True) == \
        "Part of the Alpha Group working group"
    assert _main(built, "/blog/2020/05/loose-post/").select_one(".post-group") is None


def test_group_page_shows_purpose_status_links_and_body(built):
    doc = _main(built, "/working-groups/alpha/")
    main = doc.find("main")
    assert main.select_one(".lead").get_text(strip=True) == "Does useful things together."
    assert main.select_one(".group-status .badge").get_text(strip=True) == "Active"
    links = {a.get_text(strip=True): a["href"] for a in main.select(".group-links a")}
    assert links["View the working docs"] == "https://docs.example.org/alpha/"
    assert links["Join the working group"] == "https://example.org/alpha/join/"
    assert links["Chat with the group"] == "https://chat.example.org/alpha"
    assert links["Email alpha@example.org"] == "mailto:alpha@example.org"
    # A contact written as a link is the same address, not "mailto:mailto:".
    other = {a.get_text(strip=True): a["href"]
             for a in _main(built, "/working-groups/aardvark/").select(".group-links a")}
    assert other["Email aardvark@example.org"] == "mailto:aardvark@example.org"
    assert main.select_one(".prose em").get_text() == "long"
    assert main.get("data-pagefind-body") is not None
    assert main["data-pagefind-filter"] == "kind:Working group"
    headings = [int(h.name[1]) for h in main.find_all(["h1", "h2", "h3", "h4"])]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:])), headings


def test_index_orders_by_order_then_title_and_lists_archived_apart(built):
    doc = _main(built, "/working-groups/")
    assert doc.h1.get_text(strip=True) == "Working groups"
    main = doc.find("main")
    current = main.find("ul", class_="group-list", recursive=False)
    # Order 10, 20, 20 (by title), 30, then no Order; archived Order 1 is not among them
    assert _titles(current) == ["Beta Group", "Aardvark Group", "Alpha Group", "Empty Group",
                                "Zeta Group"]
    archived = main.select_one("section.archived-groups")
    assert archived.find(["h2"]).get_text(strip=True) == "Archived groups"
    assert _titles(archived) == ["Old Group"]
    assert archived.select_one(".badge").get_text(strip=True) == "Archived"
    # archived groups stay reachable, at their Slug
    old = _main(built, archived.select_one(".card-title a")["href"])
    assert old.h1.get_text(strip=True) == "Old Group"
    assert archived.select_one(".card-title a")["href"] == "/working-groups/old-directory/"
    # the slug defaults to the file name
    assert current.find("a", string="Beta Group")["href"] == "/working-groups/beta-team/"


def test_docs_and_join_links_have_unique_accessible_names(built):
    main = _main(built, "/working-groups/").find("main")
    names = [a.get_text(" ", strip=True) for a in main.select(".group-links a")]
    assert any(n.startswith("View the working docs") for n in names)
    assert any(n.startswith("Join the working group") for n in names)
    assert len(names) == len(set(names)), names
    assert "Join the working group (Alpha Group)" in names


def test_group_with_no_posts_or_events_renders(built):
    doc = _main(built, "/working-groups/empty/")
    assert doc.h1.get_text(strip=True) == "Empty Group"
    assert "No posts from this group yet." in doc.get_text()
    assert "No upcoming events." in doc.get_text()
    assert not doc.select(".group-links a")  # no links given, none shown
    assert not page_at(built.output, "/working-groups/alpha-02/").exists()
    assert not page_at(built.output, "/working-groups/empty/posts/").exists()


def test_json_ld_is_an_organization_member_of_the_site(built):
    for url, name in (("/working-groups/alpha/", "Alpha Group"),
                      ("/working-groups/zeta/", "Zeta Group")):
        scripts = _main(built, url).find_all("script", type="application/ld+json")
        assert len(scripts) >= 1
        data = [json.loads(s.string) for s in scripts]
        org = next(d for d in data if d.get("name") == name)
        assert org["@context"] == "https://schema.org"
        assert org["@type"] == "Organization"
        assert org["url"] == f"https://open.coop{url}"
        for key in ("memberOf", "parentOrganization"):
            assert org[key] == {"@type": "Organization", "name": "Open Co-op",
                                "url": "https://open.coop/"}
    zeta = _main(built, "/working-groups/zeta/")
    org = json.loads(zeta.find("script", type="application/ld+json").string)
    assert org["description"] == "Makes </script><b>bold</b> claims & more."
    # the purpose is text on the page, never markup
    assert zeta.select_one(".lead").get_text() == "Makes </script><b>bold</b> claims & more."
    assert zeta.find("main").find("b") is None


def test_collaborate_page_and_home_page_list_the_groups(built):
    collaborate = _main(built, "/collaborate/")
    assert len(collaborate.find_all("h1")) == 1
    section = collaborate.find("section", attrs={"aria-labelledby": "collaborate-groups"})
    assert _titles(section.find("ul", class_="group-list")) == [
        "Beta Group", "Aardvark Group", "Alpha Group", "Empty Group", "Zeta Group"]
    assert section.select_one("section.archived-groups h3").get_text(strip=True) == "Archived groups"
    assert [h.name for h in section.select(".card-title")][:1] == ["h3"]

    home = _main(built, "/")
    groups = home.find("section", attrs={"aria-labelledby": "groups-heading"})
    # active and forming only: paused Beta and archived Old are left out
    assert _titles(groups) == ["Aardvark Group", "Alpha Group", "Empty Group", "Zeta Group"]
    assert groups.find("a", string="All working groups")["href"] == "/working-groups/"


def test_unknown_group_on_a_post_fails_and_keeps_previous_output(site):
    group_file(site, "alpha", title="Alpha")
    group_file(site, "beta", title="Beta")
    site.post("fine", extra="Group: alpha")
    assert site.build().ok
    before = tree_digest(site.output)

    site.post("lost", extra="Group: gamma")
    site.post("lost-draft", extra="Status: draft\nGroup: nope")
    result = site.build()

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    expected = "(expected one of: alpha, beta)"
    assert any(ln.endswith(f"lost.md:8: field 'group': unknown working group 'gamma' {expected}")
               for ln in lines), result.stderr
    assert any(ln.endswith(f"lost-draft.md:9: field 'group': unknown working group 'nope' "
                           f"{expected}") for ln in lines), result.stderr
    assert tree_digest(site.output) == before

    checked = site.check()
    assert checked.returncode == 1
    assert "lost.md:8: field 'group': unknown working group 'gamma'" in checked.stdout + checked.stderr


def test_bad_group_files_report_every_problem(site):
    group_file(site, "bad-status", title="Bad status", status="sleeping")
    site.file("working-groups/no-purpose.md", "Title: No purpose\nStatus: active\n\nText.\n")
    site.file("working-groups/blank.md", "Title:\nPurpose:\nStatus: active\n\nText.\n")
    group_file(site, "messy", title="Messy", order="first", extra="""
        Docs: http://docs.example.org/
        Join: not a link
        Contact: someone at example
        Image: {static}/images/nowhere.svg""")
    group_file(site, "dup-one", title="Dup one", extra="Slug: same")
    group_file(site, "dup-two", title="Dup two", extra="Slug: same")
    result = site.build()
    assert result.returncode == 1
    err = result.stderr
    assert ("bad-status.md:3: field 'status': unknown status 'sleeping' "
            "(expected one of: active, forming, paused, archived)") in err
    assert "no-purpose.md: field 'purpose': missing (required" in err
    # Lines there with nothing after them: not "add a line".
    assert "blank.md:1: field 'title': is empty (required; write it after 'Title:')" in err
    assert "blank.md:2: field 'purpose': is empty (required; one or two sentences" in err
    assert "messy.md:4: field 'order': 'first' is not a whole number" in err
    assert "messy.md:5: field 'docs': 'http://docs.example.org/' is not an https:// link" in err
    assert "messy.md:6: field 'join': 'not a link' is not an https:// link" in err
    assert "messy.md:7: field 'contact': 'someone at example' is not an email address" in err
    assert "messy.md:8: field 'image': '{static}/images/nowhere.svg' points at a file" in err
    assert "messy.md:8: field 'image_alt': missing" in err
    assert "dup-one.md:4: field 'slug': duplicate working group slug 'same'" in err
    assert "dup-two.md:4: field 'slug': duplicate working group slug 'same'" in err
    assert "Traceback" not in err
    assert not site.output.exists()


def _published_group_posts() -> list:
    posts = []
    for path in (ROOT / "content" / "posts").rglob("*.md"):
        header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        if "\nGroup:" in header and "\nStatus: draft" not in header:
            posts.append(path)
    return posts


REAL_GROUPS = {"murmurations", "open-credit-network", "ontology", "open-events", "coop-cloud"}


def test_real_groups_pages_are_built_and_posts_link_back(real_site):
    index = soup(page_at(real_site, "/working-groups/"))
    linked = {a["href"] for a in index.select(".group-card .card-title a")}
    assert {f"/working-groups/{slug}/" for slug in REAL_GROUPS} <= linked
    assert index.select("section.archived-groups .group-card"), "an archived group is listed apart"
    post_links = 0
    for href in linked:
        path = page_at(real_site, href)
        raw = path.read_text(encoding="utf-8")
        assert len(raw.encode()) < 50_000
        doc = soup(path)
        assert len(doc.find_all("h1")) == 1
        ids = [tag["id"] for tag in doc.find_all(id=True)]
        assert len(ids) == len(set(ids)), href
        for card in doc.select("#group-posts ~ .cards .card-title a"):
            post = soup(page_at(real_site, card["href"]))
            assert post.select_one(".post-group a")["href"] == href
            post_links += 1
    assert post_links == len(_published_group_posts())
    collaborate = soup(page_at(real_site, "/collaborate/"))
    assert {a["href"] for a in collaborate.select(".group-card .card-title a")} == linked
