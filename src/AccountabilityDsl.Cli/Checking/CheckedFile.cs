using System.Collections.Immutable;
using AccountabilityDsl.Cli.Input;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Checking;

/// <summary>
/// The outcome for one input: its source and diagnostics, or why it could not be read
/// (<see cref="ReadError"/>, in which case there is no source and no diagnostics).
/// </summary>
public sealed record CheckedFile(PolicyInput Input, SourceText? Source, ImmutableArray<Diagnostic> Diagnostics, string? ReadError)
{
    public bool WasRead => ReadError is null;
}

/// <summary>What one <c>ownerc check</c> run found, in output order: files by path, diagnostics in source order.</summary>
public sealed class CheckReport
{
    public CheckReport(IReadOnlyList<CheckedFile> files, string currentDirectory)
    {
        Files = files;
        CurrentDirectory = currentDirectory;
        Diagnostics = [.. files.SelectMany(f => f.Diagnostics)];
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
