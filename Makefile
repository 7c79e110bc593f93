# indexpack — PGXS build of every extension in the pack.
#
#   make && make install      build and install every extension below
#   make installcheck         run the pg_regress suite (sql/, expected/) against
#                             a running server (PGHOST/PGPORT/PGUSER as usual)
#
# Adding an extension is one folder (src/<name>/ plus control/<name>.control and
# its SQL script) and one word on the EXTENSIONS line.
EXTENSIONS = ixstat

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)

ifdef EXT
# ---------------------------------------------------------------------------
# One extension: invoked recursively by the driver below with EXT=<name>.
# Every extension links the shared shim (src/pg) and core (src/core).
# ---------------------------------------------------------------------------
MODULE_big = $(EXT)
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/$(EXT)/*.cpp src/pg/*.cpp src/core/*.cpp)))
MODULEDIR = extension
DATA = control/$(EXT).control $(wildcard control/$(EXT)--*.sql)

PG_CPPFLAGS = -Isrc
PG_CXXFLAGS = -std=c++17 -Wextra -Wno-register -Wno-missing-field-initializers $(IXPACK_CXXFLAGS)
SHLIB_LINK = -lstdc++ $(IXPACK_LDFLAGS)

include $(PGXS)

# The server's headers are not -Wextra clean; -isystem keeps their warnings
# out of ours (GCC drops a -I for a directory also given with -isystem).
override CPPFLAGS := -isystem $(includedir_server) $(CPPFLAGS)

else
# ---------------------------------------------------------------------------
# Driver: build/install/clean each extension, run the regression suite.
# ---------------------------------------------------------------------------
# LLVM bitcode for JIT inlining is turned off on purpose (with_llvm=no): JIT
# inlining only pays for small functions called from expressions, which none of
# our entry points are, and PGXS's bitcode rule ignores PG_CXXFLAGS (so it would
# compile our C++17 with the server's -std=c++14). See docs/architecture.md.
SUBMAKE = $(MAKE) --no-print-directory with_llvm=no

REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=.

all: build-extensions
install: install-extensions
clean: clean-extensions

build-extensions:
	@set -e; for e in $(EXTENSIONS); do $(SUBMAKE) EXT=$$e all; done
install-extensions: build-extensions
	@set -e; for e in $(EXTENSIONS); do $(SUBMAKE) EXT=$$e install; done
clean-extensions:
	@set -e; for e in $(EXTENSIONS); do $(SUBMAKE) EXT=$$e clean; done
	rm -rf results regression.diffs regression.out

.PHONY: build-extensions install-extensions clean-extensions

include $(PGXS)
endif
