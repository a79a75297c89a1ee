package dev.btfscan.pipeline;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code btf-scan scan|dump ...}. Parsing only; the work is in the commands. */
@Command(
    name = "btf-scan",
    mixinStandardHelpOptions = true,
    version = "btf-scan 0.1.0",
    description = "Is each kernel module's BTF usable on its kernel, and if not, why?",
    subcommands = {ScanCommand.class, DumpCommand.class, DistillCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured parser, shared with tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // Users get the reason, not a stack trace; BTFSCAN_DEBUG=1 shows the trace.
          cmd.getErr().println("btf-scan: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          if (System.getenv("BTFSCAN_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
          }
          return 2;
        });
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command: scan or dump");
  }
}
