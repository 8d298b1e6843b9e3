using System.Text;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Cli.Input;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Configuration;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc generate &lt;file&gt; -o &lt;dir&gt; [--namespace A.B]</c>: check one policy and, when
/// it has no errors, write its C# class to <c>&lt;dir&gt;/&lt;Name&gt;Policy.g.cs</c> and print the
/// path written. A policy with errors is refused: its diagnostics are printed as
/// <c>ownerc check</c> prints them, nothing is written, and the exit code is 1.
/// </summary>
public sealed class GenerateCommand : ICommand
{
    private static readonly string[] OptionNames = ["--output", "--namespace", "--help"];

    private const string Usage = "ownerc generate <file> -o <dir> [--namespace <A.B.C>]";

    public string Name => "generate";

    public string Summary => "Write the C# policy class for a policy that checks without errors.";

    public string Help => """
        Usage: ownerc generate <file> -o <dir> [--namespace <A.B.C>]

        Checks one .owner policy and, when it has no errors, writes the C# class for it to
        <dir>/<Name>Policy.g.cs (the folder is created when missing) and prints the path
        written. A policy with errors is refused: its diagnostics are printed as
        'ownerc check' prints them and nothing is written. Warnings are printed to standard
        error and do not stop generation.

        The class needs the AccountabilityDsl.Runtime library; see docs/generated-code.md.

        Arguments:
          <file>              The policy file (exactly one).

        Options:
          -o, --output <dir>  The folder to write the generated file to (required).
          --namespace <A.B.C> The namespace of the generated class instead of the policy's own
                              (default: the policy's 'namespace', else AccountabilityDsl.Generated).
          -h, --help          Show this help.

        Severities can be changed per rule in an .editorconfig next to the policy, as for check.

        Exit codes:
          0  the file was written
          1  the policy has at least one error diagnostic; nothing was written
          2  bad usage, or a file that could not be read or written

        Examples:
          ownerc generate retail-bank.owner -o obj/generated
          ownerc generate policies/bank.owner --output src/Generated --namespace Contoso.Policies

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        Options options = Parse(args);
        if (options.ShowHelp)
        {
            context.Out.Write(Help);
            return ExitCodes.Success;
        }

        string fullPath = FullPath(options.File, context.CurrentDirectory, "policy file");
        if (Directory.Exists(fullPath))
        {
            throw new UsageException($"'{options.File}' is a folder; 'ownerc generate' takes one policy file", "usage: " + Usage);
        }

        if (!File.Exists(fullPath))
        {
            context.WriteError($"no such file: '{options.File}'");
            return ExitCodes.BadUsageOrInput;
        }

        string outputDirectory = FullPath(options.Output!, context.CurrentDirectory, "output folder");

        SourceText source;
        IReadOnlyDictionary<string, DiagnosticSeverity> severities;
        var configuration = new EditorConfigSeverities();
        try
        {
            source = SourceText.FromBytes(PolicyFile.ReadAllBytes(fullPath), options.File);
            severities = configuration.ForFile(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            context.WriteError($"cannot read '{options.File}': {InputCollector.Describe(e)}");
            return ExitCodes.BadUsageOrInput;
        }

        foreach (string warning in configuration.Warnings.Distinct())
        {
            context.WriteWarning(warning);
        }

        PolicyCompilation compilation = PolicyCompilation.Create(source, severities);
        EmitResult result = CSharpEmitter.Emit(compilation, new EmitOptions(options.Namespace));
        var input = new PolicyInput(options.File, fullPath);
        var report = new CheckReport([new CheckedFile(input, source, compilation.Diagnostics, null)], context.CurrentDirectory);
        if (!result.Success)
        {
            new TextFormatter(context.UseColor).Write(report, context.Out);
            context.WriteError($"'{options.File}' has errors; nothing was generated");
            return ExitCodes.ErrorsReported;
        }

        if (report.Diagnostics.Length > 0)
        {
            // Warnings go to standard error, so that standard output is only the path written.
            new TextFormatter(useColor: false).Write(report, context.Error);
        }

        string target = Path.Combine(outputDirectory, result.HintName);
        if (File.Exists(outputDirectory))
        {
            context.WriteError($"cannot write to '{options.Output}': it is a file, and -o names the folder to write {result.HintName} to");
            return ExitCodes.BadUsageOrInput;
        }

        try
        {
            Directory.CreateDirectory(outputDirectory);
            File.WriteAllText(target, result.Source, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            context.WriteError($"cannot write '{Path.Join(options.Output, result.HintName)}': {InputCollector.Describe(e)}");
            return ExitCodes.BadUsageOrInput;
        }

        context.Out.WriteLine(Path.Join(options.Output, result.HintName));
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

    private sealed record Options(string File, string? Output, string? Namespace, bool ShowHelp);

    /// <summary>
    /// <c>-o dir</c>, <c>--output dir</c> and <c>--output=dir</c> are the same; options may come
    /// before or after the file; <c>--</c> ends the options. Throws <see cref="UsageException"/>.
    /// </summary>
    private static Options Parse(IReadOnlyList<string> args)
    {
        if (ArgumentReader.WantsHelp(args))
        {
            return new Options("", null, null, ShowHelp: true);
        }

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

        if (files.Count > 1)
        {
            throw new UsageException($"'ownerc generate' takes exactly one policy file, not {files.Count}; usage: " + Usage);
        }

        if (output is null)
        {
            throw new UsageException("no output folder; add -o <dir>; usage: " + Usage);
        }

        return new Options(files[0], output, ns, ShowHelp: false);
    }
}
