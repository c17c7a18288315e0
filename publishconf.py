"""Settings for the public build (``make publish``): absolute URLs from PUBLIC_SITEURL."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

# SITEURL comes from the environment when set (CI, forks), else the site's public address.
SITEURL = PUBLIC_SITEURL  # noqa: F405
RELATIVE_URLS = False
