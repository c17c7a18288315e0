"""Each source file's findings kept from one build to the next, by the SHA-256 of its bytes
(publishing.remembered): a warm build after one edit scans one file instead of all of them."""

from publishing.remembered import Remembered

SCANS = Remembered("content-checks-scans.pickle", version=1)
