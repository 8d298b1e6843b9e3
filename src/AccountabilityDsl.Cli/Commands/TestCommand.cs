using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Workspace;
using AccountabilityDsl.Runtime.Compiled.Testing;

namespace AccountabilityDsl.Cli.Commands;

/// <summary><c>ownerc test &lt;files or folders&gt;…</c>: run the <c>.owner-test</c> policy tests (see docs/testing.md).</summary>
public sealed class TestCommand : ICommand
{
    public const string Extension = ".owner-test";

    private const string Usage = "ownerc test <files or folders>… [--format text|junit] [-o <file>]";

    public string Name => "test";

    public string Summary => "Run the .owner-test policy tests: who is accountable, segments, contact scenarios.";

    public string Help => """
        Usage: ownerc test <files or folders>… [--format text|junit] [-o <file>]

        Runs policy tests written in .owner-test files (see docs/testing.md): customers with
        the owner accountable for them at a stage and the segments they are in, and contact
        scenarios run through the real contact gate on an in-memory ledger with a clock set by
        each step. A test runs against a policy in the same folder as its file: the one it
        names with 'for', else the one of the previous test, else the .owner file with the
        test file's name, else the only one.

        Arguments:
          <files or folders>  .owner-test files, or folders searched recursively for them.

        Options:
          --format <format>   text (default: a line per test, failures with expected and
                              actual and the policy lines involved, then 'N passed, N failed')
                              or junit (JUnit XML for CI systems).
          -o, --output <file> Write the report to this file instead of standard output.
          -h, --help          Show this help.

        Exit codes:
          0  every test passed
          1  a test failed, a test file has errors (printed), or no test ran (the
             files hold none)
          2  bad usage, or a file or folder that could not be read

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        CommandArguments arguments = ArgumentReader.ReadPathsAndValues(args, Name,
            new ValueOption("--format", "text or junit"),
            new ValueOption("--output", "a file such as results.xml", "-o"));
        bool junit = ArgumentReader.Choice(arguments["--format"] ?? "text", "format", Name, ["text", "junit"]) == "junit";
        string? output = arguments["--output"];
        IReadOnlyList<string> paths = arguments.Paths;
        if (paths.Count == 0)
        {
            throw new UsageException("no test files; usage: " + Usage, "ownerc test samples/");
        }

        InputSet inputs = InputCollector.Collect(paths, context.CurrentDirectory, Extension);
        foreach (string error in inputs.Errors)
        {
            context.WriteError(error);
        }

        if (inputs.Errors.Count > 0)
        {
            return ExitCodes.BadUsageOrInput;
        }

        var session = new PolicyTestSession(PolicyTestSession.PolicyFilesOnDisk);
        var results = new List<TestFileResult>();
        foreach (PolicyInput input in inputs.Files)
        {
            int warned = session.UnreadablePolicies.Count;
            bool read = session.TryRun(input, out TestFileResult? result, out string? readError);
            foreach (string unreadable in session.UnreadablePolicies.Skip(warned))
            {
                context.WriteWarning(unreadable);
            }

            if (!read)
            {
                context.WriteError(readError!);
                return ExitCodes.BadUsageOrInput;
            }

            results.Add(result!);
        }

        // A file without tests is most likely a mistake (all commented out, the wrong file); a run that
        // ran no test at all must not look like success (as pytest's "no tests collected", exit 5).
        bool ranNothing = results.All(r => r.Tests.IsEmpty);
        foreach (TestFileResult empty in results.Where(r => !ranNothing && r.Tests.IsEmpty && r.Diagnostics.IsEmpty))
        {
            context.WriteWarning($"'{empty.File}' holds no tests; a test starts with 'test \"name\"' (docs/testing.md)");
        }

        string report = junit ? TestReportWriter.JUnit(results) : TestReportWriter.Text(results);
        if (output is null)
        {
            context.Out.Write(report);
        }
        else
        {
            try
            {
                File.WriteAllText(Path.GetFullPath(output, context.CurrentDirectory), report);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or ArgumentException)
            {
                context.WriteError(WorkspaceMessages.CannotWrite(output, e));
                return ExitCodes.BadUsageOrInput;
            }

            context.Out.WriteLine(TestReportWriter.Summary(results));
        }

        if (ranNothing)
        {
            context.WriteError((results.Count == 1 ? $"no tests ran: '{results[0].File}' holds none" : $"no tests ran: none of the {results.Count} .owner-test files holds one")
                + "; a test starts with 'test \"name\"' (docs/testing.md)");
            return ExitCodes.ErrorsReported;
        }

        return results.All(r => r.Passed) ? ExitCodes.Success : ExitCodes.ErrorsReported;
    }
}
