using System.Collections.Immutable;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc generate &lt;files or folders&gt;... -o &lt;dir&gt; [--namespace A.B]</c>: check the
/// policies and, when none has errors, write one C# class per policy to
/// <c>&lt;dir&gt;/&lt;Name&gt;Policy.g.cs</c> and print the paths written. A policy with errors is
/// refused: its diagnostics are printed as <c>ownerc check</c> prints them, nothing is written,
/// and the exit code is 1.
/// </summary>
public sealed class GenerateCommand : ICommand
{
    private static readonly string[] OptionNames = ["--output", "--namespace", "--help"];

    private const string Usage = "ownerc generate <files or folders>... -o <dir> [--namespace <A.B.C>]";

    public string Name => "generate";

    public string Summary => "Write the C# policy class for a policy that checks without errors.";

    public string Help => """
        Usage: ownerc generate <files or folders>... -o <dir> [--namespace <A.B.C>]

        Checks the .owner policies and, when none has errors, writes one C# class per policy
        to <dir>/<Name>Policy.g.cs (the folder is created when missing) and prints each path
        written. Files whose headers name the same policy make one class. A policy with
        errors is refused: the diagnostics are printed as 'ownerc check' prints them and
        nothing is written. Warnings are printed to standard error and do not stop generation.
        The files are written as the MSBuild task writes them (UTF-8 without BOM, LF), and an
        unchanged file is not rewritten.

        The class needs the AccountabilityDsl.Runtime library; see docs/generated-code.md.

        Arguments:
          <files or folders>  Policy files, or folders to search for *.owner files.

        Options:
          -o, --output <dir>  The folder to write the generated file to (required).
          --namespace <A.B.C> The namespace of the generated class instead of the policy's own
                              (default: the policy's 'namespace', else AccountabilityDsl.Generated).
          -h, --help          Show this help.

        Severities can be changed per rule in an .editorconfig next to the policy, as for check.

        Exit codes:
          0  the file was written
          1  a policy has at least one error diagnostic; nothing was written
          2  bad usage, or a file that could not be read or written

        Examples:
          ownerc generate retail-bank.owner -o obj/generated
          ownerc generate policies/bank.owner --output src/Generated --namespace Contoso.Policies

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        Options options = Parse(args);
        string outputDirectory = FullPath(options.Output!, context.CurrentDirectory, "output folder");
        if (PolicyInputs.OpenAll(options.Paths, context) is not { } workspace)
        {
            return ExitCodes.BadUsageOrInput;
        }

        PolicyInputs.WriteConfigurationProblems(workspace, context);
        ImmutableArray<PolicyCompilation> compilations = workspace.Compile();
        var results = new List<EmitResult>();
        foreach (PolicyCompilation compilation in compilations)
        {
            results.Add(CSharpEmitter.Emit(compilation, new EmitOptions(options.Namespace)));
        }

        CheckReport report = CheckReports.From(workspace, compilations, compilations[0].Options, context.CurrentDirectory);
        if (results.Any(r => !r.Success))
        {
            // Refused as a whole: writing some classes of a set of policies would leave a build half-updated.
            new TextFormatter(context.UseColor).Write(report, context.Out);
            string failed = string.Join(", ", compilations.Where((c, i) => !results[i].Success).Select(c => $"'{string.Join("', '", c.SyntaxTrees.Select(t => t.FilePath))}'"));
            context.WriteError($"{failed} {(results.Count(r => !r.Success) == 1 && !failed.Contains(',') ? "has" : "have")} errors; nothing was generated");
            return ExitCodes.ErrorsReported;
        }

        if (report.Diagnostics.Length > 0)
        {
            // Warnings go to standard error, so that standard output is only the paths written.
            new TextFormatter(useColor: false).Write(report, context.Error);
        }

        if (File.Exists(outputDirectory))
        {
            context.WriteError($"cannot write to '{options.Output}': it is a file, and -o names the folder to write {results[0].HintName} to");
            return ExitCodes.BadUsageOrInput;
        }

        IGrouping<string, EmitResult>? clash = results.GroupBy(r => r.HintName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            context.WriteError($"two policies would both be written to '{Path.Join(options.Output, clash.Key)}'; give them different names");
            return ExitCodes.BadUsageOrInput;
        }

        foreach (EmitResult result in results)
        {
            string shown = Path.Join(options.Output, result.HintName);
            try
            {
                OutputWriter.WriteIfChanged(Path.Combine(outputDirectory, result.HintName), result.Source);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                context.WriteError(WorkspaceMessages.CannotWrite(shown, e));
                return ExitCodes.BadUsageOrInput;
            }

            context.Out.WriteLine(shown);
        }

        return ExitCodes.Success;
    }

    private static string FullPath(string path, string currentDirectory, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"an empty path names no {what}");
        }

        try
        {
            return Path.GetFullPath(path, currentDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"'{path}' is not a valid path");
        }
    }

    private sealed record Options(IReadOnlyList<string> Paths, string? Output, string? Namespace);

    /// <summary>
    /// <c>-o dir</c>, <c>--output dir</c> and <c>--output=dir</c> are the same; options may come
    /// before or after the file; <c>--</c> ends the options. Throws <see cref="UsageException"/>.
    /// </summary>
    private static Options Parse(IReadOnlyList<string> args)
    {
        var files = new List<string>();
        string? output = null;
        string? ns = null;
        var reader = new ArgumentReader(args, "generate", OptionNames);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    files.Add(arg.Name);
                    break;
                case { Name: "-o" or "--output" }:
                    output = reader.ValueOfOnce(arg, output, "a folder", "--output");
                    break;
                case { Name: "--namespace" }:
                    ns = reader.ValueOfOnce(arg, ns, "a namespace such as Contoso.Policies");
                    if (ns.Length == 0 || ns.Split('.').Any(part => !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(part)))
                    {
                        throw new UsageException($"'{ns}' is not a C# namespace (identifiers separated by dots)");
                    }

                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (files.Count == 0)
        {
            throw new UsageException("no policy file to generate from; usage: " + Usage);
        }

        if (output is null)
        {
            throw new UsageException("no output folder; add -o <dir>; usage: " + Usage);
        }

        return new Options(files, output, ns);
    }
}
