using System.Collections.Immutable;
using AccountabilityDsl.Cli.Input;
using AccountabilityDsl.Configuration;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Checking;

/// <summary>
/// Reads and compiles policy files, several at a time. Each file's result lands in its own
/// slot, so the order of the output never depends on which thread finished first.
/// </summary>
public static class PolicyChecker
{
    public static IReadOnlyList<CheckedFile> Check(IReadOnlyList<PolicyInput> inputs, EditorConfigSeverities configuration, bool warningsAsErrors)
    {
        var results = new CheckedFile[inputs.Count];
        if (inputs.Count <= 1)
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                results[i] = CheckOne(inputs[i], configuration, warningsAsErrors);
            }
        }
        else
        {
            Parallel.For(
                0,
                inputs.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => results[i] = CheckOne(inputs[i], configuration, warningsAsErrors));
        }

        return results;
    }

    public static CheckedFile CheckOne(PolicyInput input, EditorConfigSeverities configuration, bool warningsAsErrors)
    {
        SourceText source;
        IReadOnlyDictionary<string, DiagnosticSeverity> severities;
        try
        {
            // The display path is what every diagnostic shows; the full path is what is read.
            source = SourceText.FromBytes(PolicyFile.ReadAllBytes(input.FullPath), input.DisplayPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return new CheckedFile(input, null, [], $"cannot read '{input.DisplayPath}': {InputCollector.Describe(e)}");
        }

        try
        {
            severities = configuration.ForFile(input.FullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return new CheckedFile(input, null, [], $"cannot read the .editorconfig settings for '{input.DisplayPath}': {InputCollector.Describe(e)}");
        }

        ImmutableArray<Diagnostic> diagnostics = PolicyCompilation.Create(source, severities).Diagnostics;
        if (warningsAsErrors && diagnostics.Any(d => d.Severity == DiagnosticSeverity.Warning))
        {
            diagnostics = [.. diagnostics.Select(d => d.Severity == DiagnosticSeverity.Warning ? d.WithSeverity(DiagnosticSeverity.Error) : d)];
        }

        return new CheckedFile(input, source, diagnostics, null);
    }
}
