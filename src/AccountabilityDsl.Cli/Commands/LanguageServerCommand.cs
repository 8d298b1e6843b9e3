using AccountabilityDsl.LanguageServer;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc lsp</c>: the language server for editors, over standard input and output
/// (docs/editors.md). It runs until the editor sends <c>exit</c> or closes the pipe.
/// </summary>
public sealed class LanguageServerCommand : ICommand
{
    /// <summary>Also what the native ownerc lists (and forwards) without this type: see <see cref="ManagedCompanion"/>.</summary>
    internal const string CommandName = "lsp";

    internal const string CommandSummary = "Run the language server for editors (LSP over stdio).";

    public string Name => CommandName;

    public string Summary => CommandSummary;

    public string Help => """
        Usage: ownerc lsp [--stdio]

        Runs the .owner language server: the Language Server Protocol 3.17 over standard
        input and output, for editors (VS Code with the extension in editors/vscode, Neovim,
        and any other LSP client; see docs/editors.md). Editors start it themselves; it is
        not meant to be run by hand.

        It reports the diagnostics 'ownerc check' reports (with .editorconfig severities and
        inline suppressions) for open files and the other policy files of the workspace
        folder, and offers hover, go to definition, references, symbols, rename, completion,
        quick fixes, formatting (the layout of 'ownerc fmt') and semantic highlighting.

        Options:
          --stdio     Accepted for editors that pass it; stdio is the only transport.
          -h, --help  Show this help.

        Exit codes:
          0  the editor asked the server to shut down, then to exit
          1  the editor went away (or sent 'exit') without asking it to shut down first,
             or the input is not the Language Server Protocol
          2  bad usage

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        foreach (string arg in args)
        {
            if (arg == "--stdio")
            {
                continue;
            }

            // A misspelt --stdio gets "did you mean", as every command's options do.
            if (arg.StartsWith('-') && AccountabilityDsl.Text.SpellingSuggestion.Closest(arg, ["--stdio", "--help"]) is { } closest)
            {
                throw new UsageException($"unknown option '{arg}' for 'ownerc lsp'; did you mean '{closest}'?");
            }

            throw new UsageException($"'ownerc lsp' takes no argument '{arg}'", "editors start it as 'ownerc lsp'; see docs/editors.md");
        }

        using Stream input = Console.OpenStandardInput();
        using Stream output = Console.OpenStandardOutput();
        var options = new LanguageServerOptions { Version = CommandLine.Version };
        try
        {
            bool shutDown = LanguageServer.OwnerLanguageServer.RunAsync(input, output, options).GetAwaiter().GetResult();
            return shutDown ? ExitCodes.Success : ExitCodes.ErrorsReported;
        }
        catch (LanguageServer.LanguageClientInputException e)
        {
            context.WriteError($"ownerc lsp: {e.Message}; editors start 'ownerc lsp' and speak LSP to it (docs/editors.md)");
            return ExitCodes.ErrorsReported;
        }
    }
}
