using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>One argument of a command line: a positional value, or an option with its inline value.</summary>
internal readonly record struct Argument(bool IsOption, string Name, string? InlineValue);

/// <summary>
/// Reads a command's arguments the same way for every command: options may come before, between
/// or after positional arguments; <c>--name value</c> and <c>--name=value</c> are the same;
/// <c>--</c> ends the options (so a file named <c>-x.owner</c> can be given); help wins wherever
/// it is. Throws <see cref="UsageException"/> with one clear line.
/// </summary>
internal sealed class ArgumentReader(IReadOnlyList<string> args, string command, IReadOnlyList<string> optionNames)
{
    private int _index;
    private bool _optionsEnded;

    /// <summary>Whether <c>-h</c>, <c>--help</c> or <c>-?</c> appears before <c>--</c>: whoever asks for help gets it, even after a mistake.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args) => args.TakeWhile(a => a != "--").Any(a => a is "-h" or "--help" or "-?");

    public bool TryRead(out Argument argument)
    {
        while (_index < args.Count)
        {
            string arg = args[_index++];
            if (_optionsEnded || arg.Length < 2 || arg[0] != '-')
            {
                argument = new Argument(false, arg, null);
                return true;
            }

            if (arg == "--")
            {
                _optionsEnded = true;
                continue;
            }

            int equals = arg.IndexOf('=');
            argument = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0
                ? new Argument(true, arg[..equals], arg[(equals + 1)..])
                : new Argument(true, arg, null);
            return true;
        }

        argument = default;
        return false;
    }

    /// <summary>The option's value: inline (<c>--name=value</c>) or the next argument, which must not be another option.</summary>
    public string ValueOf(Argument option, string what)
    {
        if (option.InlineValue is { } inline)
        {
            return inline;
        }

        if (_index >= args.Count || (args[_index].Length > 1 && args[_index][0] == '-'))
        {
            throw new UsageException($"option '{option.Name}' needs a value: {what}");
        }

        return args[_index++];
    }

    /// <summary>
    /// The value of an option that may be given once; <paramref name="current"/> is what an earlier
    /// occurrence set, and <paramref name="longName"/> names the option (<c>--output</c> for <c>-o</c>).
    /// </summary>
    public string ValueOfOnce(Argument option, string? current, string what, string? longName = null) =>
        current is null ? ValueOf(option, what) : throw new UsageException($"option '{longName ?? option.Name}' is given more than once");

    /// <summary>For a flag: rejects <c>--flag=value</c>.</summary>
    public static void NoValue(Argument option)
    {
        if (option.InlineValue is not null)
        {
            throw new UsageException($"option '{option.Name}' does not take a value");
        }
    }

    /// <summary>The error for an option this command does not have, with "did you mean" when one is close.</summary>
    public UsageException Unknown(Argument option)
    {
        string? closest = SpellingSuggestion.Closest(option.Name, optionNames);
        return new UsageException(closest is null
            ? $"unknown option '{option.Name}' for 'ownerc {command}'; run 'ownerc {command} --help' for the options"
            : $"unknown option '{option.Name}' for 'ownerc {command}'; did you mean '{closest}'?");
    }
}
