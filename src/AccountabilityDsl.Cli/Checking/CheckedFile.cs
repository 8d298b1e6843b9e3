using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Cli.Checking;

/// <summary>
/// The outcome for one input: its source and diagnostics, or why it could not be read
/// (<see cref="ReadError"/>, in which case there is no source and no diagnostics).
/// </summary>
public sealed record CheckedFile(PolicyInput Input, SourceText? Source, ImmutableArray<Diagnostic> Diagnostics, string? ReadError)
{
    public bool WasRead => ReadError is null;
}

/// <summary>
/// What one <c>ownerc check</c> run found, in output order: files by path, diagnostics in source
/// order, then the problems found in <c>.editorconfig</c> files (at their lines there).
/// </summary>
public sealed class CheckReport
{
    public CheckReport(IReadOnlyList<CheckedFile> files, string currentDirectory, IEnumerable<Diagnostic>? configurationDiagnostics = null)
    {
        Files = files;
        CurrentDirectory = currentDirectory;
        Diagnostics = [.. files.SelectMany(f => f.Diagnostics), .. configurationDiagnostics ?? []];
        FileCount = files.Count(f => f.WasRead);
        foreach (Diagnostic diagnostic in Diagnostics)
        {
            switch (diagnostic.Severity)
            {
                case DiagnosticSeverity.Error:
                    Errors++;
                    break;
                case DiagnosticSeverity.Warning:
                    Warnings++;
                    break;
                case DiagnosticSeverity.Suggestion:
                    Suggestions++;
                    break;
            }
        }
    }

    public IReadOnlyList<CheckedFile> Files { get; }

    /// <summary>The directory relative paths were resolved against (SARIF's <c>%SRCROOT%</c>).</summary>
    public string CurrentDirectory { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>Files that were read and checked.</summary>
    public int FileCount { get; }

    public int Errors { get; }

    public int Warnings { get; }

    public int Suggestions { get; }
}

/// <summary>Builds the per-file view of a workspace's compilations that the output formats print.</summary>
public static class CheckReports
{
    /// <summary>Every document of the workspace with the diagnostics anchored in it (a policy of several files spreads its diagnostics over them).</summary>
    public static CheckReport From(PolicyWorkspace workspace, IEnumerable<PolicyCompilation> compilations, CompilationOptions options, string currentDirectory)
    {
        var byFile = new Dictionary<SourceText, List<Diagnostic>>(ReferenceEqualityComparer.Instance);
        foreach (Diagnostic diagnostic in compilations.SelectMany(c => c.Diagnostics))
        {
            if (!byFile.TryGetValue(diagnostic.Location.Source, out List<Diagnostic>? list))
            {
                byFile[diagnostic.Location.Source] = list = [];
            }

            list.Add(diagnostic);
        }

        CheckedFile[] files = [.. workspace.Documents.Select(d => new CheckedFile(
            d.Input,
            d.Source,
            d.Source is { } source && byFile.TryGetValue(source, out List<Diagnostic>? found) ? [.. found] : [],
            d.ReadError))];
        return new CheckReport(files, currentDirectory, workspace.ConfigurationDiagnosticsUnder(options));
    }
}
