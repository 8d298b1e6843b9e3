namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// One <c>ownerc</c> sub-command. A command parses its own arguments (everything after its
/// name; <see cref="CommandLine"/> answers <c>--help</c> with <see cref="Help"/> before the
/// command runs), throws <see cref="UsageException"/> for a command line it cannot run, and
/// returns the process exit code.
/// </summary>
public interface ICommand
{
    /// <summary>The word on the command line, such as <c>check</c>.</summary>
    string Name { get; }

    /// <summary>One line for the root help.</summary>
    string Summary { get; }

    /// <summary>The full <c>--help</c> text for this command.</summary>
    string Help { get; }

    int Run(IReadOnlyList<string> args, CommandContext context);
}
