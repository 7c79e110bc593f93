# indexpack — PGXS build of every extension in the pack.
#
#   make && make install      build and install every extension below
#   make installcheck         run the pg_regress suite (sql/, expected/) against
#                             a running server (PGHOST/PGPORT/PGUSER as usual)
#
# Adding an extension is one folder (src/<name>/ plus control/<name>.control and
# its SQL script) and one word on the EXTENSIONS line.
EXTENSIONS = ixstat ixbloom ixbrin ixlearn

# Test-only extensions (test/modules/<name>/: sources, control, SQL, and their
# own sql/ + expected/).  Never installed by `make install`; the test runner
# uses `make install-test-modules installcheck-test-modules`.
TEST_EXTENSIONS = ixpack_test

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)

ifdef EXT
# ---------------------------------------------------------------------------
# One extension: invoked recursively by the driver below with EXT=<name>.
# Every extension links the shared shim (src/pg) and core (src/core and its
# per-method folders, such as src/core/bloom).
# ---------------------------------------------------------------------------
ifneq ($(filter $(EXT),$(TEST_EXTENSIONS)),)
EXT_SRC = test/modules/$(EXT)
EXT_CONTROL = test/modules/$(EXT)
else
EXT_SRC = src/$(EXT)
EXT_CONTROL = control
endif

MODULE_big = $(EXT)
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard $(EXT_SRC)/*.cpp src/pg/*.cpp src/core/*.cpp src/core/*/*.cpp)))
MODULEDIR = extension
DATA = $(EXT_CONTROL)/$(EXT).control $(wildcard $(EXT_CONTROL)/$(EXT)--*.sql)

PG_CPPFLAGS = -Isrc
# -fvect-cost-model=dynamic: let GCC's -O2 vectoriser handle loops that need
# an epilogue, such as the per-page item tally in src/core (2.7x faster).
PG_CXXFLAGS = -std=c++17 -Wextra -Wno-register -Wno-missing-field-initializers -fvect-cost-model=dynamic $(IXPACK_CXXFLAGS)
# -Bsymbolic: each library binds its calls to its own copy of src/pg and
# src/core.  PostgreSQL loads libraries with RTLD_GLOBAL, so without it
# a call in ixlearn.so could land in the ixbrin.so a backend loaded first,
# which holds the same functions (from another build, after a partial
# upgrade: a crash, seen in the Citus suite).
SHLIB_LINK = -lstdc++ -Wl,-Bsymbolic $(IXPACK_LDFLAGS)

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
# autodepend=yes: PGXS then records header dependencies (.deps/), so a
# changed header rebuilds every object that includes it.
SUBMAKE = $(MAKE) --no-print-directory with_llvm=no autodepend=yes

REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=.
# Isolation specs (test/isolation/specs) run by the same installcheck.
ISOLATION = $(sort $(basename $(notdir $(wildcard test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=test/isolation

all: build-extensions
install: install-extensions
clean: clean-extensions

build-extensions:
	@set -e; for e in $(EXTENSIONS); do $(SUBMAKE) EXT=$$e all; done
install-extensions: build-extensions
	@set -e; for e in $(EXTENSIONS); do $(SUBMAKE) EXT=$$e install; done
clean-extensions:
	@set -e; for e in $(EXTENSIONS) $(TEST_EXTENSIONS); do $(SUBMAKE) EXT=$$e clean; done
	rm -rf results regression.diffs regression.out test/modules/*/results test/modules/*/regression.* .deps \
	  test/isolation/results test/isolation/regression.* output_iso

install-test-modules:
	@set -e; for e in $(TEST_EXTENSIONS); do $(SUBMAKE) EXT=$$e install; done
# The test runner removes them again when it ends: their functions are for
# tests only, and must not stay in the system's PostgreSQL.
uninstall-test-modules:
	@set -e; for e in $(TEST_EXTENSIONS); do $(SUBMAKE) EXT=$$e uninstall; done

# Each test module's own pg_regress suite, in its own database.
installcheck-test-modules:
	@set -e; for e in $(TEST_EXTENSIONS); do \
	  $(pg_regress_installcheck) --inputdir=test/modules/$$e --outputdir=test/modules/$$e \
	    --dbname=$${e}_regression $$(cd test/modules/$$e/sql && ls *.sql | sed 's/\.sql$$//'); \
	done

.PHONY: build-extensions install-extensions clean-extensions install-test-modules uninstall-test-modules \
	installcheck-test-modules

include $(PGXS)
endif
