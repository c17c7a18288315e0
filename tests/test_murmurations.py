"""Murmurations profiles: each built profile is valid for the index (the library's own schemas,
pinned in tests/data/murmurations), says what the page it describes shows, and can be found
from that page and from the sitemap."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from conftest import ROOT, FixtureSite, page_at, soup, source_header
from seo_support import sitemap
from working_groups_support import group_file

SITE = "https://open.coop"
SCHEMAS = ROOT / "tests" / "data" / "murmurations"
LIBRARY = "https://library.murmurations.network/v2/"
GROUP_FILES = sorted((ROOT / "content" / "working-groups").glob("*.md"))


def _registry() -> Registry:
    resources = []
    for folder in ("schemas", "fields"):
        for path in sorted((SCHEMAS / folder).glob("*.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resources.append((urljoin(LIBRARY, f"{folder}/{path.name}"),
                              Resource.from_contents(contents, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def schema_errors(profile: dict, name: str) -> list[str]:
    """What the index would refuse in ``profile`` under the library schema ``name``."""
    path = SCHEMAS / "schemas" / f"{name}.json"
    if not path.is_file():
        return [f"{name!r} is not a library schema pinned in tests/data/murmurations"]
    validator = Draft7Validator(json.loads(path.read_text(encoding="utf-8")), registry=REGISTRY)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(profile)'}: {e.message}"
            for e in validator.iter_errors(profile)]


def index_errors(profile: dict) -> list[str]:
    """The index's checks: the default schema first, then every schema the profile links."""
    errors = schema_errors(profile, "default-v2.0.0")
    for name in profile.get("linked_schemas") or []:
        errors += [f"{name}: {error}" for error in schema_errors(profile, name)]
    return errors


def profile_links(doc) -> list[str]:
    # Feed readers take every rel="alternate" JSON for a feed (NetNewsWire: any type ending in
    # /json): a profile there would be offered as a subscription that fails.
    assert not doc.find_all("link", rel="alternate", type="application/json")
    return [link["href"] for link in doc.find_all("link", rel="describedby", type="application/json")]


def load(output: Path, href: str) -> dict:
    return json.loads(page_at(output, href).read_text(encoding="utf-8"))


def _groups() -> dict[str, dict]:
    return {source_header(p).get("slug", p.stem): source_header(p) for p in GROUP_FILES}


def test_the_validator_refuses_what_the_index_refuses():
    good = {"linked_schemas": ["organizations_schema-v1.0.0"], "name": "A co-op",
            "primary_url": "https://example.org/"}
    assert index_errors(good) == []
    assert any("'name' is a required property" in e
               for e in index_errors({"linked_schemas": ["organizations_schema-v1.0.0"]}))
    assert index_errors({**good, "tags": []})  # the library wants at least one tag
    assert index_errors({**good, "status": "paused"})  # not one of its statuses
    assert index_errors({**good, "geolocation": {"lat": 91, "lon": 0}})
    assert index_errors({**good, "relationships": [{"object_url": "https://x.org/"}]})
    assert index_errors({**good, "linked_schemas": ["Organizations"]})


def test_every_profile_is_valid_for_the_index(real_site):
    profiles = sorted((real_site / "murmurations").rglob("*.json"))
    assert real_site / "murmurations" / "network.json" in profiles
    for path in profiles:
        profile = json.loads(path.read_text(encoding="utf-8"))
        assert index_errors(profile) == [], path


def test_the_network_profile_describes_the_home_page(real_site):
    home = soup(page_at(real_site, "/"))
    assert profile_links(home) == ["/murmurations/network.json"]
    network = load(real_site, "/murmurations/network.json")
    assert network["linked_schemas"] == ["organizations_schema-v1.0.0"]
    assert network["name"] == home.h1.get_text(strip=True) == "Open Co-op"
    assert network["primary_url"] == home.find("link", rel="canonical")["href"] == SITE + "/"
    assert network["description"] == home.find("meta", attrs={"name": "description"})["content"]
    assert network["image"] == SITE + "/images/logo.svg" and (real_site / "images/logo.svg").is_file()
    assert network["rss"] == SITE + "/feeds/all.rss.xml"
    assert {"co-operatives", "commons"} <= set(network["tags"])
    assert network["country_iso_3166"] == "GB"
    assert network["contact_details"]["contact_form"] == SITE + "/contact/"


def test_each_group_has_a_profile_linked_from_its_page_unless_it_opts_out(real_site):
    groups = _groups()
    opted_out = {slug for slug, meta in groups.items() if meta.get("murmurations") == "no"}
    assert opted_out and opted_out != set(groups), "the real content has both kinds of group"
    network = load(real_site, "/murmurations/network.json")
    related = {r["object_url"] for r in network["relationships"]}
    assert {r["predicate_url"] for r in network["relationships"]} == {"https://schema.org/subOrganization"}
    assert related == {f"{SITE}/working-groups/{slug}/" for slug in set(groups) - opted_out}
    listed = sitemap(real_site)
    for slug, meta in groups.items():
        doc = soup(page_at(real_site, f"/working-groups/{slug}/"))
        href = f"/murmurations/group/{slug}.json"
        if slug in opted_out:
            assert profile_links(doc) == [], slug
            assert not page_at(real_site, href).exists(), slug
            assert SITE + href not in listed
            continue
        assert profile_links(doc) == [href], slug
        assert SITE + href in listed
        profile = load(real_site, href)
        assert profile["name"] == doc.h1.get_text(strip=True) == meta["title"]
        assert profile["primary_url"] == doc.find("link", rel="canonical")["href"]
        assert profile["description"] == doc.select_one(".group-header .lead").get_text(strip=True)
        assert profile["relationships"] == [{"predicate_url": "https://schema.org/parentOrganization",
                                             "object_url": SITE + "/"}]
        shown = {a.get_text(strip=True): a["href"] for a in doc.select(".group-links a")}
        assert [u["url"] for u in profile.get("urls", [])] == [
            url for url in shown.values() if not url.startswith("mailto:")]
        if meta.get("contact"):
            assert profile["contact_details"] == {"email": meta["contact"]}
            assert shown[f"Email {meta['contact']}"] == f"mailto:{meta['contact']}"
        status = {"active": "active", "forming": "in_planning", "paused": "on_hold",
                  "archived": "completed"}[meta["status"]]
        assert profile["status"] == status
        feed = doc.find("link", rel="alternate", type="application/rss+xml",
                        href=f"/feeds/group/{slug}.rss.xml")
        assert profile.get("rss") == (SITE + feed["href"] if feed else None)
    # Only the group page itself describes the group.
    assert profile_links(soup(page_at(real_site, "/working-groups/"))) == []
    assert profile_links(soup(page_at(real_site, "/blog/"))) == []


def test_group_tags_and_opt_out_in_a_fixture_site(site: FixtureSite):
    group_file(site, "housing", title="Housing Group", status="forming",
               extra="Tags: housing, land trusts\nImage: https://example.org/house.png\n"
                     "Image_alt: A house")
    group_file(site, "quiet", title="Quiet Group", extra="Murmurations: No")
    result = site.build(overrides={"MURMURATIONS_TAGS": ["co-ops"],
                                   "MURMURATIONS_GEOLOCATION": [53.4808, -2.2426]})
    assert result.ok, result.stderr
    housing = load(site.output, "/murmurations/group/housing.json")
    assert housing["tags"] == ["working group", "housing", "land trusts"]
    assert housing["image"] == "https://example.org/house.png"
    assert housing["status"] == "in_planning"
    assert not page_at(site.output, "/murmurations/group/quiet.json").exists()
    network = load(site.output, "/murmurations/network.json")
    assert network["geolocation"] == {"lat": 53.4808, "lon": -2.2426}
    assert [r["object_url"] for r in network["relationships"]] == [
        f"{SITE}/working-groups/housing/"]
    for profile in (housing, network):
        assert index_errors(profile) == []


def test_bad_opt_out_values_and_settings_are_reported(site: FixtureSite):
    group_file(site, "maybe", title="Maybe Group", extra="Murmurations: perhaps")
    result = site.check(overrides={"MURMURATIONS_COUNTRY": "Britain",
                                   "MURMURATIONS_GEOGRAPHIC_SCOPE": "galactic",
                                   "WEBSUB_HUB": "pubsubhubbub.appspot.com"})
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert ("content/working-groups/maybe.md:4: field 'murmurations': 'perhaps' is not yes or no"
            in out.replace(str(site.root) + "/", "")), out
    assert "settings: field 'MURMURATIONS_COUNTRY': 'Britain' is not a two-letter ISO 3166-1 code" in out
    assert "field 'MURMURATIONS_GEOGRAPHIC_SCOPE': unknown scope 'galactic'" in out
    # The feeds' hub setting is checked the same way.
    assert "field 'WEBSUB_HUB': 'pubsubhubbub.appspot.com' is not a web address" in out
