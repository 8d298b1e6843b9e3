using AccountabilityDsl.Text;
using AccountabilityDsl.Cli.Output;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>The parsed arguments of <c>ownerc check</c>.</summary>
public sealed record CheckOptions(IReadOnlyList<string> Paths, OutputFormat Format, bool WarningsAsErrors)
{
    private static readonly string[] OptionNames = ["--format", "--warnaserror", "--help"];

    /// <summary>
    /// Options may come before, between or after paths; <c>--format json</c> and
    /// <c>--format=json</c> are the same; <c>--</c> ends the options, so a file named
    /// <c>-x.owner</c> can be checked; help is answered before (<see cref="CommandLine"/>). Throws <see cref="UsageException"/>.
    /// </summary>
    public static CheckOptions Parse(IReadOnlyList<string> args)
    {
        var paths = new List<string>();
        OutputFormat format = OutputFormat.Text;
        bool warningsAsErrors = false;
        var reader = new ArgumentReader(args, "check", OptionNames);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    paths.Add(arg.Name);
                    break;
                case { Name: "--warnaserror" }:
                    ArgumentReader.NoValue(arg);
                    warningsAsErrors = true;
                    break;
                case { Name: "--format" or "-f" }:
                    string value = reader.ValueOf(arg, OutputFormats.Names);
                    if (!OutputFormats.TryParse(value, out format))
                    {
                        throw new UsageException($"unknown format '{value}'; use {OutputFormats.Names}");
                    }

                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (paths.Count == 0)
        {
            throw new UsageException("no files or folders to check; usage: ownerc check <files or folders>... [--format text|json|sarif|msbuild] [--warnaserror]");
        }

        return new CheckOptions(paths, format, warningsAsErrors);
    }
}
