/*
 * aotdbg: the standalone front end.  Parses options, opens the archives and
 * runs commands given with -c, read from standard input (--batch), or typed
 * at a GNU readline prompt.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "attach.h"
#include "commands.h"

#ifndef AOTDBG_VERSION
#define AOTDBG_VERSION "0.1"
#endif

static struct aot_session *g_session;

static void usage(FILE *f)
{
	fputs("usage: aotdbg [options] ARCHIVE...\n"
	      "       aotdbg --pid PID [options]         (the archives a running JVM mapped)\n"
	      "       aotdbg --core CORE [options]       (the archives in a core of a JVM)\n"
	      "       aotdbg --jvm LIBJVM.so [options]   (layout commands only)\n"
	      "\n"
	      "Shows what is inside HotSpot CDS archives (.jsa) and AOT caches (.aot) of\n"
	      "JDK 17, 21, 25, 26 and 27.\n"
	      "\n"
	      "options:\n"
	      "  -c, --command CMD     run CMD (repeatable), then exit\n"
	      "      --batch           run the -c commands, then commands read from standard\n"
	      "                        input one per line, without a prompt\n"
	      "      --json            every command prints JSON\n"
	      "      --base ADDR       place the archive at ADDR as a relocated JVM would\n"
	      "                        (default: its requested base address)\n"
	      "      --base-archive F  the base archive of a dynamic archive\n"
	      "      --java-home DIR   the JDK the archives came from: its libjvm.so gives\n"
	      "                        the layouts, its lib/server the default base archive\n"
	      "      --jvm LIBJVM.so   take layouts from this libjvm.so (default: the JDK\n"
	      "                        whose libjvm holds the archive's jvm_ident)\n"
	      "      --pid PID         without ARCHIVE: attach to the archives this running\n"
	      "                        JVM mapped, reading its memory (never stopped or\n"
	      "                        written); with ARCHIVE: take layouts from its libjvm\n"
	      "      --core CORE       attach to the archives in this core of a JVM; regions\n"
	      "                        the core lacks are read from the archive file\n"
	      "      --archive F       the archive file the JVM mapped (default: the path it\n"
	      "                        mapped it from); refused unless its CRCs match\n"
	      "      --exe JAVA        the core's java launcher: its JDK's libjvm.so is used\n"
	      "                        when the path the core names is not on this machine\n"
	      "      --debug-file F    libjvm's separate DWARF file (default: found by\n"
	      "                        build id under /usr/lib/debug, or .gnu_debuglink)\n"
	      "      --debug-dir DIR   also look for debug files under DIR/.build-id\n"
	      "                        (like gdb's debug-file-directory)\n"
	      "      --cache-dir DIR   where DWARF answers are cached (default:\n"
	      "                        $XDG_CACHE_HOME/aotdbg; '' disables the cache)\n"
	      "  -h, --help            this help; 'aotdbg -c help' lists the commands\n"
	      "      --version\n"
	      "\n"
	      "exit status: 0 ok, 1 a check failed (aot-validate, aot-verify-layout),\n"
	      "2 an error.\n", f);
}

static int report(struct aot_err *err)
{
	if (!err)
		return 0;
	fflush(stdout);
	fprintf(stderr, "aotdbg: %s\n", err->msg);
	int status = aot_err_exit_status(err);
	aot_err_free(err);
	return status;
}

static int run_line(const char *line, bool json)
{
	if (!json)
		return report(aot_cmd_execute_line(g_session, line, stdout));
	char *with = NULL;
	if (asprintf(&with, "%s --json", line) < 0)
		return report(&aot_enomem);
	// "help" takes no --json; only commands get it.
	const char *p = line + strspn(line, " \t");
	int status = report(aot_cmd_execute_line(g_session, strncmp(p, "help", 4) == 0 ? line : with,
						 stdout));
	free(with);
	return status;
}

/* ---- readline ----------------------------------------------------------- */

/* Command names, then the REPL's own words. */
static const char *completion_word(size_t i)
{
	static const char *const extra[] = { "help", "quit", NULL };
	size_t n = 0;
	while (aot_cmd_at(n))
		n++;
	if (i < n)
		return aot_cmd_at(i)->name;
	return i - n < 2 ? extra[i - n] : NULL;
}

static char *command_generator(const char *text, int state)
{
	static size_t i;
	if (!state)
		i = 0;
	for (const char *name; (name = completion_word(i)) != NULL;) {
		i++;
		if (strncmp(name, text, strlen(text)) == 0)
			return strdup(name);
	}
	return NULL;
}

static char *region_generator(const char *text, int state)
{
	static unsigned a, r;
	static int pass;
	if (!state) {
		a = r = 0;
		pass = 0;
	}
	size_t len = strlen(text);
	while (a < g_session->narchives) {
		const struct aot_archive *ar = g_session->archives[a];
		const struct aot_archive *src = pass ? ar->base : ar;
		if (!src || r >= src->nregions) {
			r = 0;
			if (pass || !ar->base) {
				pass = 0;
				a++;
			} else {
				pass = 1;
			}
			continue;
		}
		char name[32];
		snprintf(name, sizeof(name), "%s%s", pass ? "base:" : "", src->regions[r++].name);
		if (strncmp(name, text, len) == 0)
			return strdup(name);
	}
	return NULL;
}

static char *option_generator(const char *text, int state)
{
	static const char *const opts[] = { "--json", "--list", "--limit", NULL };
	static size_t i;
	if (!state)
		i = 0;
	while (opts[i])
		if (strncmp(opts[i++], text, strlen(text)) == 0)
			return strdup(opts[i - 1]);
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	if (start == 0)
		return rl_completion_matches(text, command_generator);
	if (text[0] == '-')
		return rl_completion_matches(text, option_generator);
	char first[64];
	size_t n = strcspn(rl_line_buffer, " \t");
	snprintf(first, sizeof(first), "%.*s", (int)(n < 63 ? n : 63), rl_line_buffer);
	const struct aot_cmd *c = aot_cmd_find(first);
	if (c && c->complete == AOT_COMPLETE_REGION)
		return rl_completion_matches(text, region_generator);
	if (!c && strcmp(first, "help") == 0)
		return rl_completion_matches(text, command_generator);
	return NULL;
}

/* $XDG_STATE_HOME/aotdbg/history, creating the directory. */
static char *history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char dir[PATH_MAX];
	if (state && *state)
		snprintf(dir, sizeof(dir), "%s/aotdbg", state);
	else if (home && *home)
		snprintf(dir, sizeof(dir), "%s/.local/state/aotdbg", home);
	else
		return NULL;
	// mkdir -p, one level at a time.
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(dir, 0700);
			*p = '/';
		}
	}
	mkdir(dir, 0700);
	char *path = NULL;
	if (asprintf(&path, "%s/history", dir) < 0)
		return NULL;
	return path;
}

static int repl(bool json)
{
	rl_readline_name = "aotdbg";
	rl_attempted_completion_function = complete;
	char *hist = history_path();
	if (hist)
		read_history(hist);
	int status = 0;
	char *line;
	while ((line = readline("(aotdbg) ")) != NULL) {
		const char *p = line + strspn(line, " \t");
		if (*p) {
			add_history(line);
			if (strcmp(p, "quit") == 0 || strcmp(p, "exit") == 0) {
				free(line);
				break;
			}
			int st = run_line(line, json);
			status = st > status ? st : status;
		}
		free(line);
	}
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, 1000);
		free(hist);
	}
	return status;
}

static int batch(bool json)
{
	int status = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		line[strcspn(line, "\n")] = 0;
		const char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		if (strcmp(p, "quit") == 0)
			break;
		int st = run_line(line, json);
		status = st > status ? st : status;
	}
	free(line);
	return status;
}

int main(int argc, char **argv)
{
	enum { OPT_BATCH = 256, OPT_JSON, OPT_BASE, OPT_BASE_ARCHIVE, OPT_JAVA_HOME, OPT_VERSION, OPT_JVM, OPT_DEBUG_FILE, OPT_PID, OPT_DEBUG_DIR,
	       OPT_CACHE_DIR, OPT_CORE, OPT_EXE, OPT_ARCHIVE };
	static const struct option longopts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "base", required_argument, NULL, OPT_BASE },
		{ "base-archive", required_argument, NULL, OPT_BASE_ARCHIVE },
		{ "java-home", required_argument, NULL, OPT_JAVA_HOME },
		{ "jvm", required_argument, NULL, OPT_JVM },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "core", required_argument, NULL, OPT_CORE },
		{ "exe", required_argument, NULL, OPT_EXE },
		{ "archive", required_argument, NULL, OPT_ARCHIVE },
		{ "debug-file", required_argument, NULL, OPT_DEBUG_FILE },
		{ "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct aot_session_opts opts = { 0 };
	const char **cmds = calloc((size_t)argc + 1, sizeof(*cmds));
	int ncmds = 0;
	bool batch_mode = false, json = false;
	const char *core = NULL;
	int c;
	if (!cmds)
		return report(&aot_enomem);
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': cmds[ncmds++] = optarg; break;
		case OPT_BATCH: batch_mode = true; break;
		case OPT_JSON: json = true; break;
		case OPT_BASE: {
			struct aot_err *err = aot_parse_u64(optarg, "--base", &opts.base);
			if (err)
				return report(err);
			opts.have_base = true;
			break;
		}
		case OPT_BASE_ARCHIVE: opts.open.base_archive = optarg; break;
		case OPT_JAVA_HOME: opts.open.java_home = optarg; break;
		case OPT_JVM: opts.jvm = optarg; break;
		case OPT_PID: {
			uint64_t pid;
			struct aot_err *err = aot_parse_u64(optarg, "--pid", &pid);
			if (!err && (pid == 0 || pid > 0x7fffffff))
				err = aot_errf(AOT_ERR_USAGE, "--pid: %s is not a process id", optarg);
			if (err)
				return report(err);
			opts.pid = (int)pid;
			break;
		}
		case OPT_CORE: core = optarg; break;
		case OPT_EXE: opts.exe = optarg; break;
		case OPT_ARCHIVE: opts.archive = optarg; break;
		case OPT_DEBUG_FILE: opts.debug_file = optarg; break;
		case OPT_DEBUG_DIR: opts.debug_dir = optarg; break;
		case OPT_CACHE_DIR: opts.cache_dir = optarg; break;
		case 'h': usage(stdout); free(cmds); return 0;
		case OPT_VERSION: printf("aotdbg %s\n", AOTDBG_VERSION); free(cmds); return 0;
		default: usage(stderr); free(cmds); return 2;
		}
	}
	struct aot_err *err = aot_session_create(&opts, &g_session);
	if (err)
		return report(err);
	int status = 0;
	for (int i = optind; i < argc && !status; i++)
		status = report(aot_session_open(g_session, argv[i]));
	// --pid alone, or --core: the archives that JVM mapped.
	bool attach = core || (opts.pid && optind == argc);
	if (!status && attach && optind < argc)
		status = report(aot_errf(AOT_ERR_USAGE, "--core takes no ARCHIVE: give a copy with --archive"));
	if (!status && attach) {
		struct aot_attach_src src = { .pid = core ? 0 : opts.pid, .core = core };
		status = report(aot_session_attach(g_session, &src));
	}
	bool only_help = ncmds > 0;
	for (int i = 0; i < ncmds; i++)
		only_help &= strncmp(cmds[i], "help", 4) == 0;
	// Layout commands need only a JVM; everything else needs an archive.
	bool have_jvm = opts.jvm || opts.open.java_home || opts.pid || core;
	if (!status && g_session->narchives == 0 && !only_help && !have_jvm) {
		fputs("aotdbg: no archive given\n", stderr);
		usage(stderr);
		status = 2;
	}
	// An archive cut short is refused once, as at opening, unless a command salvages it.
	bool salvage = false;
	for (int i = 0; i < ncmds; i++)
		salvage |= aot_cmd_line_salvages(cmds[i]);
	if (!status && ncmds && !salvage && aot_session_damage(g_session))
		status = report(aot_err_copy(aot_session_damage(g_session)));
	if (status)
		goto out;
	// Every -c command runs; the exit status is the worst of them.
	for (int i = 0; i < ncmds; i++) {
		int st = run_line(cmds[i], json);
		status = st > status ? st : status;
	}
	if (batch_mode) {
		int st = batch(json);
		status = st > status ? st : status;
	} else if (ncmds == 0) {
		status = isatty(STDIN_FILENO) ? repl(json) : batch(json);
	}
out:
	aot_session_destroy(g_session);
	free(cmds);
	return status;
}
