using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Tests.Infrastructure;

/// <summary>Compiles policy text through the real pipeline and renders what it reports.</summary>
public static class TestPolicy
{
    /// <summary>
    /// Compiles <paramref name="text"/> as one file, or — when it has <c>// file: name.owner</c>
    /// lines — as a policy of several files, each starting at its marker line (which stays in it
    /// as a comment, so line numbers are the file's own).
    /// </summary>
    public static PolicyCompilation Compile(string text, string path = "test.owner", IReadOnlyDictionary<string, DiagnosticSeverity>? severities = null)
    {
        IReadOnlyList<AccountabilityDsl.Text.SourceText> files = Files(text, path);
        CompilationOptions? options = severities is null ? null : CompilationOptions.Default with
        {
            SpecificSeverities = severities.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase),
        };
        return PolicyCompilation.Create(files, options);
    }

    /// <summary>The files of a <c>// file:</c>-marked text (text before the first marker belongs to the first file).</summary>
    public static IReadOnlyList<AccountabilityDsl.Text.SourceText> Files(string text, string path = "test.owner")
    {
        string[] lines = text.Split('\n');
        int[] starts = [.. Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith(FileMarker, StringComparison.Ordinal))];
        if (starts.Length == 0)
        {
            return [AccountabilityDsl.Text.SourceText.From(text, path)];
        }

        var files = new List<AccountabilityDsl.Text.SourceText>();
        for (int f = 0; f < starts.Length; f++)
        {
            int from = f == 0 ? 0 : starts[f];
            int to = f + 1 < starts.Length ? starts[f + 1] : lines.Length;
            string name = lines[starts[f]][FileMarker.Length..].Trim();
            files.Add(AccountabilityDsl.Text.SourceText.From(string.Join('\n', lines[from..to]) + (to < lines.Length ? "\n" : ""), name));
        }

        return files;
    }

    public const string FileMarker = "// file: ";

    public static string Diagnostics(string text, string path = "test.owner") => Baseline.Render(Compile(text, path).Diagnostics);

    public static IReadOnlyList<string> Ids(string text) => [.. Compile(text).Diagnostics.Select(d => d.Id)];

    /// <summary>A small valid policy header and lifecycle to build rule tests on.</summary>
    public const string Prelude = """
        policy Test
        stages Prospect -> Active -> Retention

        """;
}
