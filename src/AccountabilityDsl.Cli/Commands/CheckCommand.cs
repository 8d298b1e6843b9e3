using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc check &lt;files or folders&gt;... [--format text|json|sarif|msbuild] [--warnaserror]</c>:
/// parse, bind and analyse every policy, print the diagnostics, and exit 0 (no errors),
/// 1 (errors) or 2 (bad usage, or an input that could not be read).
/// </summary>
public sealed class CheckCommand : ICommand
{
    public string Name => "check";

    public string Summary => "Report errors in policies: vacuums, conflicts, contact rules that cannot hold.";

    public string Help => """
        Usage: ownerc check <files or folders>... [--format text|json|sarif|msbuild] [--warnaserror]

        Parses, binds and analyses .owner policies and reports what is wrong with them:
        syntax and name errors, accountability vacuums and conflicts, contact policies that
        cannot hold. Nothing is written to disk.

        Arguments:
          <files or folders>  Policy files, or folders to search recursively for *.owner files
                              (symbolic links to folders and hidden folders are not followed).
                              Files whose headers name the same policy are checked as one
                              policy. Files are reported sorted by path.

        Options:
          -f, --format <format>
                              How to print diagnostics (default: text):
                                text     readable, with the source line underlined
                                json     one JSON object: diagnostics and a summary
                                sarif    SARIF 2.1.0, for GitHub code scanning and SARIF viewers
                                msbuild  file(line,col,endLine,endCol): error OWN0101: message
          --warnaserror       Report warnings as errors (and fail with exit code 1).
          -h, --help          Show this help.

        Severities can be changed per rule in an .editorconfig next to the policies:
          [*.owner]
          owner_diagnostic.OWN0301.severity = none|suggestion|warning|error

        Exit codes:
          0  no error diagnostics
          1  at least one error diagnostic (warnings count with --warnaserror)
          2  bad usage, or a file or folder that could not be read

        Examples:
          ownerc check policies/
          ownerc check retail-bank.owner --format json
          ownerc check . --format sarif > ownerc.sarif

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        CheckOptions options = CheckOptions.Parse(args);
        PolicyWorkspace workspace = PolicyWorkspace.Open(options.Paths, context.CurrentDirectory);
        foreach (string error in workspace.InputErrors)
        {
            context.WriteError(error);
        }

        bool readFailed = workspace.HasInputErrors;
        var compilationOptions = CompilationOptions.Default with { WarningsAsErrors = options.WarningsAsErrors };
        CheckReport report = CheckReports.From(workspace, workspace.Compile(compilationOptions), compilationOptions, context.CurrentDirectory);
        // With nothing checked there is nothing to report; the errors above say why.
        if (report.FileCount > 0 || !readFailed)
        {
            OutputFormats.Create(options.Format, context.UseColor).Write(report, context.Out);
        }

        return readFailed ? ExitCodes.BadUsageOrInput
            : report.Errors > 0 ? ExitCodes.ErrorsReported
            : ExitCodes.Success;
    }
}
