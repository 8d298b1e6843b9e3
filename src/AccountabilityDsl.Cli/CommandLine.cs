using AccountabilityDsl.Analysis;
using AccountabilityDsl.Text;
using System.Reflection;
using AccountabilityDsl.Cli.Commands;

namespace AccountabilityDsl.Cli;

/// <summary>
/// The in-process entry point of <c>ownerc</c>: <see cref="Program.Main"/> only wires the real
/// console to <see cref="Run(string[], TextWriter, TextWriter, string?, bool)"/>, so tests
/// run the whole command line without spawning a process. Arguments are parsed by hand: the
/// grammar is small, and this keeps start-up free of reflection and the exit codes exact.
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// Commands in the order the root help lists them. The native ownerc forwards serve, ledger and
    /// lsp to its managed companion; the managed build runs every command itself (<see cref="ManagedCompanion"/>).
    /// </summary>
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        new CheckCommand(), new GenerateCommand(), new ExplainCommand(), new MatrixCommand(), new FormatCommand(), new TestCommand(), new DiffCommand(),
        ManagedCompanion.AllCommandsInProcess ? new ServeCommand() : new ForwardedCommand(ServeCommand.CommandName, ServeCommand.CommandSummary),
        ManagedCompanion.AllCommandsInProcess ? new LedgerCommand() : new ForwardedCommand(LedgerCommand.CommandName, LedgerCommand.CommandSummary),
        ManagedCompanion.AllCommandsInProcess ? new LanguageServerCommand() : new ForwardedCommand(LanguageServerCommand.CommandName, LanguageServerCommand.CommandSummary),
    ];

    public static string Version { get; } = ReadVersion();

    /// <summary>The options that come before any command.</summary>
    private static readonly string[] GlobalOptions = ["--help", "--version"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string? currentDirectory = null, bool useColor = false) =>
        Run(args, new CommandContext(stdout, stderr, currentDirectory ?? Environment.CurrentDirectory, useColor));

    public static int Run(IReadOnlyList<string> args, CommandContext context)
    {
        try
        {
            return Dispatch(args, context);
        }
        catch (UsageException usage)
        {
            context.WriteError(usage.Message);
            if (usage.Hint is not null)
            {
                context.Error.WriteLine("hint: " + usage.Hint);
            }

            return ExitCodes.BadUsageOrInput;
        }
        catch (Exception unexpected) when (unexpected is not OutOfMemoryException)
        {
            // Never a stack trace for users; OWNERC_DEBUG=1 shows it for whoever fixes the bug.
            context.WriteError($"internal error: {unexpected.GetType().Name}: {OneLine(unexpected.Message)}");
            if (Environment.GetEnvironmentVariable("OWNERC_DEBUG") == "1")
            {
                context.Error.WriteLine(unexpected);
            }

            return ExitCodes.BadUsageOrInput;
        }
        finally
        {
            Flush(context.Out);
            Flush(context.Error);
        }
    }

    private static int Dispatch(IReadOnlyList<string> args, CommandContext context)
    {
        if (args.Count == 0)
        {
            context.Error.Write(RootHelp);
            return ExitCodes.BadUsageOrInput;
        }

        string first = args[0];
        switch (first)
        {
            case "-h" or "--help" or "-?" or "help" when args.Count == 1:
                context.Out.Write(RootHelp);
                return ExitCodes.Success;
            case "-h" or "--help" or "-?" or "help" when LooksLikeDiagnosticId(args[1]):
                return WriteRuleDocumentation(args, context);
            case "-h" or "--help" or "-?" or "help":
                // `ownerc help check` and `ownerc --help check` are `ownerc check --help`.
                return Dispatch([args[1], "--help"], context);
            case "--version" when args.Count == 1:
                context.Out.WriteLine($"ownerc {Version}");
                return ExitCodes.Success;
            case "--version":
                throw new UsageException($"'--version' takes no arguments, but '{args[1]}' follows it", "run 'ownerc --version' alone");
        }

        if (Commands.FirstOrDefault(c => c.Name == first) is { } command)
        {
            if (command is ForwardedCommand)
            {
                return command.Run([.. args.Skip(1)], context);
            }

            // Whoever asks for a command's help gets it, wherever the flag is and even after a mistake.
            if (ArgumentReader.WantsHelp([.. args.Skip(1)]))
            {
                context.Out.Write(command.Help);
                return ExitCodes.Success;
            }

            return command.Run([.. args.Skip(1)], context);
        }

        if (first.StartsWith('-'))
        {
            // As a command's options do: "did you mean" for a misspelt --version or --help, one line.
            throw SpellingSuggestion.Closest(first, GlobalOptions) is { } option
                ? new UsageException($"unknown option '{first}'; did you mean '{option}'?")
                : new UsageException($"unknown option '{first}'; options come after the command", "run 'ownerc --help' to see the commands, or 'ownerc check --help'");
        }

        string? closest = SpellingSuggestion.Closest(first, Commands.Select(c => c.Name));
        throw new UsageException(
            $"unknown command '{first}'",
            closest is null ? "run 'ownerc --help' to see the commands" : $"did you mean 'ownerc {closest}'? Run 'ownerc --help' to see the commands");
    }

    /// <summary><c>OWN0101</c>, <c>own0101</c>, the MSBuild package's <c>OWNB006</c>: the word after <c>help</c> is an ID, not a command.</summary>
    private static bool LooksLikeDiagnosticId(string argument)
    {
        int start = DigitsStart(argument);
        return argument.StartsWith("OWN", StringComparison.OrdinalIgnoreCase) && argument.Length > start && char.IsAsciiDigit(argument[start]);
    }

    /// <summary>Where an ID's number starts: after <c>OWN</c>, or after the MSBuild package's <c>OWNB</c>.</summary>
    private static int DigitsStart(string id) => id.Length > 3 && (id[3] is 'B' or 'b') ? 4 : 3;

    /// <summary>An ID's prefix (<c>OWN</c> or <c>OWNB</c>, upper case) and number, or null when it is not shaped like one.</summary>
    private static (string Prefix, int Digits, int Number)? DiagnosticIdParts(string id)
    {
        if (!id.StartsWith("OWN", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        int start = DigitsStart(id);
        string digits = id[start..];
        return digits.Length is > 0 and <= 9 && digits.All(char.IsAsciiDigit)
            ? (id[..start].ToUpperInvariant(), digits.Length, int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>
    /// For an ID no page has: the IDs of its range (OWN0199: "the OWN01xx diagnostics are OWN0101, …"),
    /// since the hundreds say what kind of finding it is and edit distance between numbers says nothing;
    /// every ID when its range has none.
    /// </summary>
    private static string UnknownIdHint(string id, IReadOnlyList<string> knownIds)
    {
        if (DiagnosticIdParts(id) is { } unknown)
        {
            string[] range = [.. knownIds.Where(known => DiagnosticIdParts(known) is { } k
                && k.Prefix == unknown.Prefix && k.Digits == unknown.Digits && k.Number / 100 == unknown.Number / 100)];
            if (range.Length > 0)
            {
                string hundreds = (unknown.Number / 100).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(unknown.Digits - 2, '0');
                return $"the {unknown.Prefix}{hundreds}xx diagnostics are {string.Join(", ", range)}; run 'ownerc help' with one of them";
            }
        }

        return $"the diagnostic IDs are {string.Join(", ", knownIds)}";
    }

    /// <summary>
    /// <c>ownerc help OWN0101</c> prints the rule's page from docs/rules, which is embedded in the
    /// compiler: the help a diagnostic links to is there without a network or a checkout.
    /// </summary>
    private static int WriteRuleDocumentation(IReadOnlyList<string> args, CommandContext context)
    {
        string id = args[1];
        if (args.Count > 2)
        {
            throw new UsageException($"'ownerc help {id}' takes no further arguments, but '{args[2]}' follows it", $"run 'ownerc help {id}' alone");
        }

        // Policy diagnostics, the .owner-test files' own (OWN09xx) and the MSBuild package's (OWNBxxx) share the docs/rules pages.
        IReadOnlyList<string> knownIds = DiagnosticCatalog.DocumentedIds;
        string? known = knownIds.FirstOrDefault(known => string.Equals(known, id, StringComparison.OrdinalIgnoreCase));
        if (known is null || DiagnosticCatalog.GetDocumentation(known) is not { } page)
        {
            throw new UsageException($"unknown diagnostic ID '{id}'", UnknownIdHint(id, knownIds));
        }

        context.Out.Write(page.ReplaceLineEndings("\n"));
        return ExitCodes.Success;
    }

    public static string RootHelp
    {
        get
        {
            var text = new System.Text.StringBuilder();
            text.Append($"""
                ownerc {Version} - the compiler for .owner accountability policies

                Usage:
                  ownerc <command> [arguments] [options]
                  ownerc help <diagnostic ID>
                  ownerc --help | --version

                Commands:

                """);
            foreach (ICommand command in Commands)
            {
                text.Append($"  {command.Name,-10}{command.Summary}\n");
            }

            text.Append("""

                Options:
                  -h, --help  Show this help (after a command: that command's help).
                  --version   Show the version of ownerc.

                Exit codes:
                  0  no error diagnostics
                  1  at least one error diagnostic
                  2  bad usage, or an input that could not be read

                Run 'ownerc <command> --help' for a command's arguments and options, and
                'ownerc help OWN0101' for what a diagnostic means and how to fix it.

                """);
            return text.ToString().ReplaceLineEndings("\n");
        }
    }

    /// <summary>Flushes, ignoring a reader that went away (<c>ownerc check . | head -1</c>).</summary>
    private static void Flush(TextWriter writer)
    {
        try
        {
            writer.Flush();
        }
        catch (IOException)
        {
        }
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static string ReadVersion()
    {
        string? informational = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return typeof(CommandLine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        // Drop source-link build metadata ("0.1.0+3f2c...") so the version is stable across commits.
        int plus = informational.IndexOf('+');
        return plus < 0 ? informational : informational[..plus];
    }
}
