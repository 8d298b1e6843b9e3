namespace AccountabilityDsl.Cli;

/// <summary>
/// A command line that cannot be run as written. <see cref="CommandLine.Run"/> prints it as one
/// <c>ownerc: error:</c> line (plus an optional hint) and exits with code 2.
/// </summary>
public sealed class UsageException(string message, string? hint = null) : Exception(message)
{
    public string? Hint { get; } = hint;
}
