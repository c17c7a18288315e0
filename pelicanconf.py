"""Settings for local builds (``make html``, ``make devserver``). publishconf.py extends these."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# Plugins share helpers in plugins/publishing, and PELICAN_CLASS names one of them.
PLUGIN_PATHS = [str(ROOT / "plugins")]
if PLUGIN_PATHS[0] not in sys.path:
    sys.path.insert(0, PLUGIN_PATHS[0])
PLUGINS = [
    "content_checks",
    "events",
    "working_groups",
    "feeds",
    "seo",
    "editor",
    "murmurations",
    "fastbuild",
]
# The speed layer (plugins/fastbuild/): the same output, built faster. False: plain Pelican with
# the content plugins.
FASTBUILD = True
# Stages output in a temporary folder and swaps it in only after a complete, error-free build.
PELICAN_CLASS = "publishing.PublishingPelican"

AUTHOR = "The Open Co-op"
SITENAME = "Open Co-op"
SITESUBTITLE = "Open, co-operative, commons: news and ideas from a network of co-ops"
SITE_DESCRIPTION = ("The Open Co-op publishes stories, events and working groups from the open "
                    "co-operative movement: platform co-ops, mutual credit and the commons.")
# The public address. Feeds and calendars always use it; pages use root-relative links locally.
PUBLIC_SITEURL = os.environ.get("SITEURL", "https://open.coop").rstrip("/")
SITEURL = ""
# A fixed identity for feed entry ids and calendar UIDs: never change it, even if the domain moves.
SITE_ID = "open.coop,2016"

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
THEME = str(ROOT / "theme")
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
LOCALE = ("C.UTF-8", "C")

ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.svg": {"path": "favicon.svg"},
}
# Emacs locks, backups, notes for whoever keeps a folder, and the "._name" files macOS leaves
# beside each file on a USB drive or a network share (binary, never text).
IGNORE_FILES = [".#*", "*~", "README.md", "._*"]

# The eight categories a post may use; anything else is a build error.
PUBLICATION_CATEGORIES = [
    "Open", "Co-operative", "Commons", "Inspiring Projects",
    "Legal Structures", "Software", "Audio", "Video",
]
# Fields every post must have (Pelican's `Key: value` header).
POST_REQUIRED_FIELDS = ["title", "date", "category", "authors", "summary"]

# URLs: directory style, no .html (the contract in shared/design.md).
ARTICLE_URL = "blog/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = AUTHORS_URL + "index.html"
ARCHIVES_URL = "blog/archives/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "blog/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
INDEX_URL = ""
INDEX_SAVE_AS = "index.html"
BLOG_URL = "blog/"
BLOG_SAVE_AS = BLOG_URL + "index.html"
DIRECT_TEMPLATES = ["index", "blog", "archives", "categories", "tags", "authors", "404", "search"]
# The search page; Pagefind indexes output/ after the build (tasks.py search-index).
SEARCH_URL = "search/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
# Pages per part of the search index: an edit indexes its part again, not the whole site; a
# search fetches one more small index per part (plugins/fastbuild/searchindex.py).
SEARCH_INDEX_PART_PAGES = 400
NOTFOUND_URL = "404.html"
NOTFOUND_SAVE_AS = "404.html"
# Python's format() in Pelican turns "404" into a setting prefix of "404_": name it explicitly.
globals()["404_SAVE_AS"] = NOTFOUND_SAVE_AS
globals()["404_URL"] = NOTFOUND_URL

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"blog": None, "category": None, "tag": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

SLUGIFY_SOURCE = "title"
SUMMARY_MAX_LENGTH = 50
DEFAULT_METADATA = {}
TYPOGRIFY = False
MARKDOWN = {
    "extension_configs": {
        # First: refuses text too large or nested too deeply before any work is done on it.
        "content_checks.markdown_limits": {},
        "markdown.extensions.extra": {},
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.toc": {"permalink": False},
        # Smart quotes and dashes, as markdown.extensions.smarty makes them, at half the cost.
        "publishing.typography": {},
    },
    "output_format": "html5",
}

# Pelican's own feed writer is off; plugins/feeds writes feeds with feedgen.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_DOMAIN = PUBLIC_SITEURL
# Read by plugins/feeds (its other settings have defaults in plugins/feeds/settings.py). Set here
# because Pelican's own default for this name (100) would otherwise win over the plugin's.
FEED_MAX_ITEMS = 20
# The WebSub hub every feed names; `make deploy` and the deploy workflow tell it which feeds
# changed, so subscribed readers get new posts within minutes instead of at their next poll.
WEBSUB_HUB = os.environ.get("WEBSUB_HUB", "https://pubsubhubbub.appspot.com/")

# The network's Murmurations profile (plugins/murmurations; register the URLs as CONTRIBUTING.md
# says). Working groups get theirs from their pages; `Murmurations: no` on a group leaves it out.
MURMURATIONS_TAGS = ["co-operatives", "platform co-ops", "commons", "mutual credit",
                     "open source", "solidarity economy"]
MURMURATIONS_MISSION = ("To grow the co-operative economy by connecting co-ops, commoners and "
                        "open source projects, and building the shared tools they need.")
MURMURATIONS_EMAIL = "hello@open.coop"
MURMURATIONS_CONTACT_URL = "contact/"
MURMURATIONS_COUNTRY = "GB"
MURMURATIONS_GEOGRAPHIC_SCOPE = "international"

# The podcast's itunes:owner (Apple and other directories write here about the show).
PODCAST_OWNER_EMAIL = "hello@open.coop"

# The browser editor at /admin/ (plugins/editor): Decap CMS from tools/editor/ (npm), and the
# GitHub repository its pull requests go to. CONTRIBUTING.md explains the OAuth set-up.
EDITOR_BUNDLE_PATH = str(ROOT / "tools" / "editor" / "node_modules" / "decap-cms" / "dist")
EDITOR_REPO = os.environ.get("EDITOR_REPO", "opencoop/site")
EDITOR_AUTH_BASE_URL = os.environ.get("EDITOR_AUTH_BASE_URL", "")

# The newsletter form posts here directly: no third-party script on the site.
NEWSLETTER_ACTION_URL = "https://lists.open.coop/subscribe/post?u=opencoop&id=newsletter"

# Hosts whose <iframe>/<object>/<embed> posts, pages, groups and events may include (exact
# names, e.g. "www.youtube-nocookie.com"); anything else is refused by make check. Raw
# <script>, on*= handlers, javascript:/data: links and page-wide elements (<meta>, <style>,
# <link>, <base>) are refused everywhere.
CONTENT_EMBED_HOSTS = []
# The heaviest picture make check lets into content/ (bytes): readers on phones wait for it.
CONTENT_IMAGE_MAX_BYTES = 1_000_000
# Every reader page carries this policy (theme/templates/base.html): scripts only from the site
# itself (Pagefind's search needs WebAssembly), no plugins, frames only from the hosts above,
# forms only to the site, the newsletter and the search fallback.
_newsletter = "/".join(NEWSLETTER_ACTION_URL.split("/")[:3])
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "object-src 'none'",
    "base-uri 'self'",
    # The search page's fallback form goes to DuckDuckGo.
    f"form-action 'self' {_newsletter} https://duckduckgo.com",
    "frame-src " + (" ".join(f"https://{host}" for host in CONTENT_EMBED_HOSTS) or "'none'"),
    "img-src 'self' https: data:",
    "media-src 'self' https:",
    "style-src 'self' 'unsafe-inline'",
])

MENUITEMS = [
    ("Home", "/"),
    ("About", "/about/"),
    ("Blog", "/blog/"),
    ("Events", "/events/"),
    ("Collaborate", "/collaborate/"),
    ("Contact", "/contact/"),
]
SOCIAL = [
    ("Mastodon", "https://social.coop/@opencoop"),
    ("GitHub", "https://github.com/opencoop"),
]

RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False
# The search index (output/pagefind/) is made after the build (`python -m publishing index`):
# each build keeps the previous one in place, so the search page works meanwhile and the
# indexer replaces only the files of the parts that changed.
OUTPUT_RETENTION = ["pagefind"]
# Warm builds reuse each unchanged file's post or page whole (checked by content hash), not
# only its rendered Markdown: building a post again from its text and metadata was a fifth of
# a warm rebuild. The fastbuild plugin keeps one cache per configuration so settings changes
# never serve stale reads. A plugin's content_object_init or *_generator_context handler runs
# only for the files read again: what it changes must come from the file alone.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "md5"
CONTENT_CACHING_LAYER = "generator"
# Uncompressed: gzip costs more time on every load and save than the disk it saves is worth.
GZIP_CACHE = False
CACHE_PATH = str(ROOT / "cache")
# Warm builds also reuse every output file (page, feed, calendar) whose inputs did not change:
# each producer records a key per file in CACHE_PATH (plugins/fastbuild/outputcache.py).
OUTPUT_CACHE = True

# Categories come only from the Category field, never from folder names (posts live in year folders).
USE_FOLDER_AS_CATEGORY = False
# Autoescape: titles and metadata are text; templates mark rendered Markdown with |safe.
# auto_reload off: each build is a fresh process, so re-checking template files on every include
# only costs stat() calls.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                     "auto_reload": False}

from publishing import templating  # noqa: E402  (needs the sys.path entry above)

JINJA_FILTERS = {"isodate": templating.isodate, "by_year": templating.by_year,
                 "link_url": templating.link_url}
JINJA_GLOBALS = {"popular_tags": templating.popular_tags,
                 "page_independent": templating.page_independent}
