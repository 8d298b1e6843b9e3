using AccountabilityDsl.Text;
using AccountabilityDsl.Cli.Output;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>The parsed arguments of <c>ownerc check</c>.</summary>
public sealed record CheckOptions(IReadOnlyList<string> Paths, OutputFormat Format, bool WarningsAsErrors, bool ShowHelp)
{
    private static readonly string[] OptionNames = ["--format", "--warnaserror", "--help"];

    /// <summary>
    /// Options may come before, between or after paths; <c>--format json</c> and
    /// <c>--format=json</c> are the same; <c>--</c> ends the options, so a file named
    /// <c>-x.owner</c> can be checked. Throws <see cref="UsageException"/>.
    /// </summary>
    public static CheckOptions Parse(IReadOnlyList<string> args)
    {
        // Help wins wherever it is, even after a mistake: whoever asks for help gets it.
        if (args.TakeWhile(a => a != "--").Any(a => a is "-h" or "--help" or "-?"))
        {
            return new CheckOptions([], OutputFormat.Text, WarningsAsErrors: false, ShowHelp: true);
        }

        var paths = new List<string>();
        OutputFormat format = OutputFormat.Text;
        bool warningsAsErrors = false;
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg.Length < 2 || arg[0] != '-')
            {
                paths.Add(arg);
                continue;
            }

            string name = arg;
            string? value = null;
            int equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }

            switch (name)
            {
                case "--":
                    optionsEnded = true;
                    break;
                case "--warnaserror":
                    if (value is not null)
                    {
                        throw new UsageException("option '--warnaserror' does not take a value");
                    }

                    warningsAsErrors = true;
                    break;
                case "--format" or "-f":
                    if (value is null)
                    {
                        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        {
                            throw new UsageException($"option '{name}' needs a value: {OutputFormats.Names}");
                        }

                        value = args[++i];
                    }

                    if (!OutputFormats.TryParse(value, out format))
                    {
                        throw new UsageException($"unknown format '{value}'; use {OutputFormats.Names}");
                    }

                    break;
                default:
                    string? closest = SpellingSuggestion.Closest(name, OptionNames);
                    throw new UsageException(closest is null
                        ? $"unknown option '{name}' for 'ownerc check'; run 'ownerc check --help' for the options"
                        : $"unknown option '{name}' for 'ownerc check'; did you mean '{closest}'?");
            }
        }

        if (paths.Count == 0)
        {
            throw new UsageException("no files or folders to check; usage: ownerc check <files or folders>... [--format text|json|sarif|msbuild] [--warnaserror]");
        }

        return new CheckOptions(paths, format, warningsAsErrors, ShowHelp: false);
    }
}
