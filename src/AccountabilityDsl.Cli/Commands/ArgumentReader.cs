using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>One argument of a command line: a positional value, or an option with its inline value.</summary>
internal readonly record struct Argument(bool IsOption, string Name, string? InlineValue);

/// <summary>An option that takes one value and may be given once: <c>--format json</c>, <c>-o out.xml</c>.</summary>
/// <param name="Name">The long name, such as <c>--output</c>.</param>
/// <param name="What">What its value is, for "option '--output' needs a value: a file such as results.xml".</param>
/// <param name="Alias">A short name, such as <c>-o</c>.</param>
internal sealed record ValueOption(string Name, string What, string? Alias = null);

/// <summary>What most commands take: positional arguments (paths) and the values of their <see cref="ValueOption"/>s.</summary>
internal sealed record CommandArguments(IReadOnlyList<string> Paths, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The value given for the option with this long name, or null.</summary>
    public string? this[string option] => Values.GetValueOrDefault(option);
}

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

    /// <summary>
    /// Reads a command line of positional arguments and options that each take one value, given
    /// at most once (help is answered before the command runs, see <see cref="CommandLine"/>).
    /// </summary>
    public static CommandArguments ReadPathsAndValues(IReadOnlyList<string> args, string command, params ValueOption[] options)
    {
        var paths = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new ArgumentReader(args, command, [.. options.Select(o => o.Name), "--help"]);
        while (reader.TryRead(out Argument arg))
        {
            if (!arg.IsOption)
            {
                paths.Add(arg.Name);
                continue;
            }

            ValueOption option = options.FirstOrDefault(o => o.Name == arg.Name || o.Alias == arg.Name) ?? throw reader.Unknown(arg);
            values[option.Name] = reader.ValueOfOnce(arg, values.GetValueOrDefault(option.Name), option.What, option.Name);
        }

        return new CommandArguments(paths, values);
    }

    /// <summary>
    /// <paramref name="value"/> when it is one of <paramref name="choices"/>; otherwise the error
    /// "unknown format 'jsn' for 'ownerc diff'; use text, markdown or json (did you mean 'json'?)".
    /// </summary>
    public static string Choice(string value, string what, string command, IReadOnlyList<string> choices) =>
        choices.Contains(value)
            ? value
            : throw new UsageException($"unknown {what} '{value}' for 'ownerc {command}'; use {Listed(choices)}"
                + (SpellingSuggestion.Closest(value, choices) is { } closest ? $" (did you mean '{closest}'?)" : ""));

    /// <summary>"a, b or c".</summary>
    private static string Listed(IReadOnlyList<string> choices) =>
        choices.Count == 1 ? choices[0] : $"{string.Join(", ", choices.Take(choices.Count - 1))} or {choices[^1]}";

    /// <summary>The error for an option this command does not have, with "did you mean" when one is close.</summary>
    public UsageException Unknown(Argument option)
    {
        string? closest = SpellingSuggestion.Closest(option.Name, optionNames);
        return new UsageException(closest is null
            ? $"unknown option '{option.Name}' for 'ownerc {command}'; run 'ownerc {command} --help' for the options"
            : $"unknown option '{option.Name}' for 'ownerc {command}'; did you mean '{closest}'?");
    }
}
