# fuzz/fuzz.mk - owns building the libFuzzer harnesses of fuzz/ with clang
# and running them (fuzz/run). `make fuzz` in a configured build directory
# calls it with the paths and the dependencies' flags; it compiles every
# library source again, with coverage, ASan and UBSan, under fuzz/out/ of
# the build directory, so the gcc build is not touched. GNU make.

FUZZ_CC = clang
FUZZ_SECONDS = 30
top_srcdir = .
top_builddir = .
DEPS_CFLAGS =
DEPS_LIBS =

OUT = $(top_builddir)/fuzz/out
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -Wformat=2 as configure.ac; clang, unlike gcc, also warns about the
# va_list formats of vsnprintf wrappers (log.c, http.c)
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
# clang only: SQL split over literals on purpose (retention.c)
LIB_WARN = $(WARN) -Wno-string-concatenation
FUZZ_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/src -I$(top_builddir)/src \
	-I$(top_srcdir)/fuzz -DSYSCONFDIR='"/etc"'
FUZZ_CFLAGS = -g -O1 -pthread $(SANITIZE) $(WARN)
LIB_CFLAGS = -g -O1 -pthread $(SANITIZE) $(LIB_WARN)

LIB_SRCS = $(filter-out main.c npsctl%.c migrations.c templates_builtin.c,\
	$(notdir $(wildcard $(top_srcdir)/src/*.c)))
LIB_OBJS = $(LIB_SRCS:%.c=$(OUT)/obj/%.o) $(OUT)/obj/migrations.o \
	$(OUT)/obj/templates_builtin.o
LIB = $(OUT)/libnpsd-fuzz.a

HOOKS = generic zendesk freshdesk jira zammad glpi znuny
TARGETS = event $(HOOKS:%=hook_%) form query config template message forwarded
BINS = $(TARGETS:%=$(OUT)/fuzz_%)

all: $(BINS)

run: all
	$(SHELL) $(top_srcdir)/fuzz/run '$(OUT)' '$(top_srcdir)' '$(FUZZ_SECONDS)' $(TARGETS)

$(OUT)/obj/%.o: $(top_srcdir)/src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(DEPS_CFLAGS) $(LIB_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c $< -o $@

$(OUT)/obj/migrations.o: $(top_builddir)/src/migrations.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(LIB_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(OUT)/obj/templates_builtin.o: $(top_builddir)/src/templates_builtin.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(LIB_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(OUT)/harness/%.o: $(top_srcdir)/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(DEPS_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

LINK = $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(DEPS_LIBS) -lm -o $@

$(OUT)/fuzz_hook_%: $(OUT)/harness/fuzz_hook_%.o $(OUT)/harness/hook_harness.o $(LIB)
	$(LINK)

$(OUT)/fuzz_form: $(OUT)/harness/fuzz_form.o $(OUT)/harness/mhd_fake.o $(LIB)
	$(LINK)

$(OUT)/fuzz_query: $(OUT)/harness/fuzz_query.o $(OUT)/harness/mhd_fake.o $(LIB)
	$(LINK)

$(OUT)/fuzz_%: $(OUT)/harness/fuzz_%.o $(LIB)
	$(LINK)

.PHONY: all run
.SECONDARY:

-include $(wildcard $(OUT)/obj/*.d $(OUT)/harness/*.d)
