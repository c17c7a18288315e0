"""Settings for the public build (``make publish``): absolute URLs from PUBLIC_SITEURL."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

# SITEURL comes from the environment when set (CI, forks), else the site's public address.
SITEURL = PUBLIC_SITEURL  # noqa: F405
RELATIVE_URLS = False

# `make deploy`: pushes output/ to DEPLOY_BRANCH of DEPLOY_REMOTE (a remote name or a path/URL),
# or, when DEPLOY_RSYNC_TARGET is set (e.g. "user@host:/var/www/site/"), rsyncs it there instead.
DEPLOY_REMOTE = os.environ.get("DEPLOY_REMOTE", "origin")
DEPLOY_BRANCH = os.environ.get("DEPLOY_BRANCH", "gh-pages")
DEPLOY_RSYNC_TARGET = os.environ.get("DEPLOY_RSYNC_TARGET", "")
# What each deploy target last published, so the WebSub hub hears only of feeds that changed
# (plugins/deploy/websub.py). Kept apart from cache/: `make clean` must not forget it.
WEBSUB_STATE_PATH = os.environ.get("WEBSUB_STATE_PATH",
                                   str(ROOT / ".websub" / "published"))  # noqa: F405
# A pushed gh-pages branch goes live a minute or so later, and the hub fetches a feed as soon as
# it is pinged: wait up to this many seconds for the site to serve the new feeds (0: do not wait).
WEBSUB_LIVE_TIMEOUT = float(os.environ.get("WEBSUB_LIVE_TIMEOUT", "600"))

# Links contributors write from the site's root (`/about/`) stay on the site where it is served
# from a folder, such as a fork's GitHub Pages (plugins/publishing/sitepath.py).
MARKDOWN = {**MARKDOWN,  # noqa: F405
            "extension_configs": {**MARKDOWN["extension_configs"],  # noqa: F405
                                  "publishing.sitepath": {"siteurl": SITEURL}}}
