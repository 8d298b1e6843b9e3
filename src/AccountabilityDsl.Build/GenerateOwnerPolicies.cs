using System.Text;
using AccountabilityDsl.Configuration;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Text;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace AccountabilityDsl.Build;

/// <summary>
/// Checks each <c>OwnerPolicy</c> item and writes its C# class to the item's
/// <c>OutputFile</c> metadata path. Diagnostics go to the MSBuild log with file, line and column
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
    internal const string EditorConfigCode = "OWNB005";

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
        var options = new WarningOptions(TreatWarningsAsErrors, WarningsAsErrors, WarningsNotAsErrors, NoWarn);
        var severities = new EditorConfigSeverities();
        var results = new PolicyResult[Policies.Length];
        var outputs = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        for (int i = 0; i < Policies.Length; i++)
        {
            string output = Path.GetFullPath(Policies[i].GetMetadata("OutputFile"));
            string policy = Policies[i].GetMetadata("FullPath");
            if (outputs.TryGetValue(output, out string? other))
            {
                Log.LogError(null, OutputCollisionCode, null, policy, 0, 0, 0, 0,
                    $"'{policy}' and '{other}' would both generate '{output}'; give the policy files different names or set OutputFile metadata on one of the OwnerPolicy items.");
                return false;
            }

            outputs[output] = policy;
        }

        // Policies are independent: compile them in parallel, then log in item order so that the
        // build output does not depend on scheduling.
        Parallel.For(0, Policies.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
        {
            if (!_cancelled)
            {
                results[i] = Compile(Policies[i], severities);
            }
        });

        foreach (string warning in severities.Warnings)
        {
            Log.LogWarning(null, EditorConfigCode, null, null, 0, 0, 0, 0, warning);
        }

        var generated = new List<ITaskItem>();
        foreach (PolicyResult? result in results)
        {
            if (_cancelled || result is null)
            {
                return false;
            }

            bool hasErrors = result.Failure is not null;
            if (result.Failure is { } failure)
            {
                Log.LogError(null, failure.Code, null, result.PolicyPath, 0, 0, 0, 0, failure.Message);
            }

            foreach (Diagnostic d in result.Diagnostics)
            {
                hasErrors |= Report(d, options);
            }

            if (hasErrors || result.Source is null)
            {
                // Never leave the previous class behind a policy that no longer checks: the
                // missing output also keeps the target out of date until the policy is fixed.
                TryDelete(result.OutputPath);
                continue;
            }

            WriteIfChanged(result.OutputPath, result.Source);
            var item = new Microsoft.Build.Utilities.TaskItem(result.OutputPath);
            item.SetMetadata("OwnerPolicy", result.PolicyPath);
            generated.Add(item);
        }

        GeneratedFiles = [.. generated];
        return !Log.HasLoggedErrors;
    }

    private static PolicyResult Compile(ITaskItem item, EditorConfigSeverities severities)
    {
        string path = item.GetMetadata("FullPath");
        string output = Path.GetFullPath(item.GetMetadata("OutputFile"));
        SourceText text;
        try
        {
            text = SourceText.FromBytes(ReadShared(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PolicyResult(path, output, [], null, (UnreadablePolicyCode, $"cannot read the policy: {e.Message}"));
        }

        try
        {
            PolicyCompilation compilation = PolicyCompilation.Create(text, severities.ForFile(path));
            string ns = item.GetMetadata("Namespace");
            EmitResult emitted;
            try
            {
                emitted = CSharpEmitter.Emit(compilation, new EmitOptions(ns.Length == 0 ? null : ns));
            }
            catch (ArgumentException e) when (ns.Length > 0)
            {
                return new PolicyResult(path, output, compilation.Diagnostics, null, (BadNamespaceCode, e.Message));
            }

            return new PolicyResult(path, output, compilation.Diagnostics, emitted.Success ? emitted.Source : null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new PolicyResult(path, output, [], null, (InternalErrorCode, $"internal error in the AccountabilityDsl compiler: {e}"));
        }
    }

    /// <summary>Reads without locking: editors and other builds may write or delete the file meanwhile.</summary>
    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, int.MaxValue) : 0);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Logs one diagnostic; true when it was reported as an error.</summary>
    private bool Report(Diagnostic d, WarningOptions options)
    {
        DiagnosticSeverity? severity = options.Apply(d.Id, d.Severity);
        if (severity is null)
        {
            return false;
        }

        LinePositionSpan span = d.Location.LineSpan;
        string file = d.Location.FilePath;
        string help = d.Descriptor.HelpLink;
        switch (severity.Value)
        {
            case DiagnosticSeverity.Error:
                Log.LogError(null, d.Id, d.Id, help, file, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column, d.Message);
                break;
            case DiagnosticSeverity.Warning:
                Log.LogWarning(null, d.Id, d.Id, help, file, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column, d.Message);
                break;
            default:
                Log.LogMessage(null, d.Id, d.Id, file, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column, MessageImportance.Normal, d.Message);
                break;
        }

        foreach (RelatedLocation related in d.Related)
        {
            LinePositionSpan at = related.Location.LineSpan;
            Log.LogMessage(null, d.Id, d.Id, related.Location.FilePath, at.Start.Line, at.Start.Column, at.End.Line, at.End.Column,
                MessageImportance.Normal, $"related location: {related.Message}");
        }

        return severity == DiagnosticSeverity.Error;
    }

    private static void WriteIfChanged(string path, string source)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(source)).ToArray();
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            // Same C#: only the time stamp moves on, so the target is up to date next time and
            // the file still counts as newer than the policy it came from.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return;
        }

        File.WriteAllBytes(path, bytes);
    }

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

    private sealed record PolicyResult(
        string PolicyPath,
        string OutputPath,
        System.Collections.Immutable.ImmutableArray<Diagnostic> Diagnostics,
        string? Source,
        (string Code, string Message)? Failure);
}
