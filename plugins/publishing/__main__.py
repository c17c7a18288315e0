import gc
import sys

from .cli import main

code = main()
# The interpreter's exit would walk everything a build leaves in memory with the cyclic collector,
# several times; frozen objects are left alone. The memory goes back to the system with the
# process all the same.
gc.freeze()
sys.exit(code)
