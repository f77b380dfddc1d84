/*
 * main.c - the maildiag command: subcommand dispatch, help and version.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *f)
{
	const cli_command *c;

	fprintf(f, "usage: maildiag COMMAND [options] [arguments]\n"
	           "       maildiag help [COMMAND] | --version\n\n"
	           "maildiag finds out why email is not delivered and says what to fix first.\n\n"
	           "Commands:\n");
	for (c = cli_commands; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'maildiag COMMAND --help' for a command's options.\n");
}

static const cli_command *find_command(const char *name)
{
	const cli_command *c;

	for (c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void command_help(const cli_command *c)
{
	printf("%s\n%s", c->usage, cli_common_help);
}

int main(int argc, char **argv)
{
	cli_opts o = {.format = MD_FORMAT_TEXT, .argv0 = argv[0]};
	const cli_command *c;
	int i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("maildiag %s\n", md_version());
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc > 2) {
			c = find_command(argv[2]);
			if (c == NULL) {
				fprintf(stderr, "maildiag: %s: unknown command (see maildiag help)\n", argv[2]);
				return EXIT_USAGE;
			}
			command_help(c);
			return EXIT_CLEAN;
		}
		usage(stdout);
		return EXIT_CLEAN;
	}
	c = find_command(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "maildiag: %s: unknown command (see maildiag help)\n", argv[1]);
		return EXIT_USAGE;
	}
	o.command = c->name;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			command_help(c);
			return EXIT_CLEAN;
		}
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	return c->run(&o, argc - 1, argv + 1);
}
