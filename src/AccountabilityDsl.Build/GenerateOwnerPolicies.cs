using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Text;
using AccountabilityDsl.Workspace;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace AccountabilityDsl.Build;

/// <summary>
/// Checks the <c>OwnerPolicy</c> items and writes each policy's C# class to the
/// <c>OutputFile</c> metadata path of its (first) file: items whose headers name the same policy
/// are one policy and one class, as <c>ownerc generate</c> makes it, byte for byte. Diagnostics go to the MSBuild log with file, line and column
/// (<c>policy.owner(12,5,12,30): error OWN0102: …</c>), after the policy's <c>.editorconfig</c>
/// severities and the project's <c>NoWarn</c>, <c>WarningsAsErrors</c>,
/// <c>WarningsNotAsErrors</c> and <c>TreatWarningsAsErrors</c>. A policy with errors gets no
/// generated file (a stale one is deleted), so that the next build tries again.
/// </summary>
public sealed class GenerateOwnerPolicies : MSBuildTask, ICancelableTask
{
    /// <summary>Build-integration problems (not policy findings) use OWNB codes.</summary>
    internal const string InternalErrorCode = "OWNB001";
    internal const string UnreadablePolicyCode = "OWNB002";
    internal const string OutputCollisionCode = "OWNB003";
    internal const string BadNamespaceCode = "OWNB004";

    private volatile bool _cancelled;

    /// <summary>
    /// The policies to compile. Metadata: <c>OutputFile</c> (required, where the C# goes) and
    /// <c>Namespace</c> (optional, overrides the policy's own namespace).
    /// </summary>
    [Required]
    public ITaskItem[] Policies { get; set; } = [];

    public bool TreatWarningsAsErrors { get; set; }

    public string? WarningsAsErrors { get; set; }

    public string? WarningsNotAsErrors { get; set; }

    public string? NoWarn { get; set; }

    /// <summary>The C# files written by this run.</summary>
    [Output]
    public ITaskItem[] GeneratedFiles { get; private set; } = [];

    public void Cancel() => _cancelled = true;

    public override bool Execute()
    {
        CompilationOptions options = CompilationOptions.Default with
        {
            WarningsAsErrors = TreatWarningsAsErrors,
            SpecificWarningsAsErrors = CompilationOptions.ParseIdList(WarningsAsErrors),
            WarningsNotAsErrors = CompilationOptions.ParseIdList(WarningsNotAsErrors),
            NoWarn = CompilationOptions.ParseIdList(NoWarn),
        };
        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var outputs = new Dictionary<string, string>(comparer);
        var itemByPath = new Dictionary<string, ITaskItem>(comparer);
        foreach (ITaskItem policy in Policies)
        {
            string output = OutputOf(policy);
            string path = policy.GetMetadata("FullPath");
            if (outputs.TryGetValue(output, out string? other))
            {
                Log.LogError(null, OutputCollisionCode, null, path, 0, 0, 0, 0,
                    $"'{path}' and '{other}' would both generate '{output}'; give the policy files different names or set OutputFile metadata on one of the OwnerPolicy items.");
                return false;
            }

            outputs[output] = path;
            itemByPath[path] = policy;
        }

        // The same host layer as ownerc: safe reading, .editorconfig severities, files grouped
        // by the policy their header names (a project's files of one policy make one class).
        PolicyWorkspace workspace;
        ImmutableArray<PolicyCompilation> compilations;
        try
        {
            workspace = PolicyWorkspace.FromFiles(itemByPath.Keys.Select(path => new PolicyInput(path, path)));
            compilations = workspace.Compile(options);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.LogError(null, InternalErrorCode, null, null, 0, 0, 0, 0, $"internal error in the AccountabilityDsl compiler: {e}");
            return false;
        }

        foreach (PolicyDocument unread in workspace.Documents.Where(d => !d.WasRead))
        {
            Log.LogError(null, UnreadablePolicyCode, null, unread.Input.FullPath, 0, 0, 0, 0, unread.ReadError);
            TryDelete(OutputOf(itemByPath[unread.Input.FullPath]));
        }

        foreach (Diagnostic problem in workspace.ConfigurationDiagnosticsUnder(options))
        {
            Report(problem);
        }

        var generated = new List<ITaskItem>();
        foreach (PolicyCompilation compilation in compilations)
        {
            if (_cancelled)
            {
                return false;
            }

            ITaskItem[] items = [.. compilation.SyntaxTrees.Select(t => itemByPath[t.FilePath])];
            bool hasErrors = false;
            foreach (Diagnostic d in compilation.Diagnostics)
            {
                hasErrors |= Report(d);
            }

            string? source = hasErrors ? null : Emit(compilation, items);
            if (source is null)
            {
                // Never leave the previous class behind a policy that no longer checks: the
                // missing output also keeps the target out of date until the policy is fixed.
                foreach (ITaskItem item in items)
                {
                    TryDelete(OutputOf(item));
                }

                continue;
            }

            // The class goes to the first file's output; the other files of the policy get a
            // file that says where their declarations went (every item keeps an output, so that
            // Compile finds it and the build stays incremental).
            for (int i = 0; i < items.Length; i++)
            {
                string output = OutputOf(items[i]);
                OutputWriter.WriteIfChanged(output, i == 0 ? source : PartOfNote(compilation, output: OutputOf(items[0])));
                var item = new Microsoft.Build.Utilities.TaskItem(output);
                item.SetMetadata("OwnerPolicy", items[i].GetMetadata("FullPath"));
                generated.Add(item);
            }
        }

        GeneratedFiles = [.. generated];
        return !Log.HasLoggedErrors;
    }

    /// <summary>The class's C#, or null (with the error logged) when the namespace metadata is not a namespace.</summary>
    private string? Emit(PolicyCompilation compilation, ITaskItem[] items)
    {
        string ns = items.Select(i => i.GetMetadata("Namespace")).FirstOrDefault(n => n.Length > 0) ?? "";
        try
        {
            EmitResult emitted = CSharpEmitter.Emit(compilation, new EmitOptions(ns.Length == 0 ? null : ns));
            return emitted.Success ? emitted.Source : null;
        }
        catch (ArgumentException e) when (ns.Length > 0)
        {
            Log.LogError(null, BadNamespaceCode, null, items[0].GetMetadata("FullPath"), 0, 0, 0, 0, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.LogError(null, InternalErrorCode, null, items[0].GetMetadata("FullPath"), 0, 0, 0, 0, $"internal error in the AccountabilityDsl compiler: {e}");
        }

        return null;
    }

    private static string OutputOf(ITaskItem item) => Path.GetFullPath(item.GetMetadata("OutputFile"));

    /// <summary>The C# file of a policy's second and later files: a comment, no code.</summary>
    private static string PartOfNote(PolicyCompilation compilation, string output) =>
        "// <auto-generated/>\n"
        + $"// Policy {compilation.PolicyName} is made of {compilation.SyntaxTrees.Length} files; its class is generated from all of them into {Path.GetFileName(output)}.\n";

    private bool Report(Diagnostic d) => DiagnosticLog.Report(Log, d);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file we cannot delete is still replaced by the next successful run.
        }
    }
}
