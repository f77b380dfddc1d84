/*
 * commands.h - the subcommand table.
 */
#ifndef MD_CLI_COMMANDS_H
#define MD_CLI_COMMANDS_H

#include "cli.h"

extern const cli_command cli_commands[];

#endif
