using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;
using Microsoft.CodeAnalysis;
using DiagnosticSeverity = AccountabilityDsl.Diagnostics.DiagnosticSeverity;
using Diagnostic = AccountabilityDsl.Diagnostics.Diagnostic;
using Location = AccountabilityDsl.Diagnostics.Location;

namespace AccountabilityDsl.Workspace;

/// <summary>
/// Severity overrides from <c>.editorconfig</c> files, read by Roslyn's own
/// <see cref="AnalyzerConfig"/>/<see cref="AnalyzerConfigSet"/> so that sections match exactly
/// as they do for C# analyzers (<c>[*.owner]</c>, <c>[{*.owner,*.txt}]</c>, <c>[**/core/*.owner]</c>…):
/// <code>
/// [*.owner]
/// owner_diagnostic.OWN0301.severity = none | suggestion | warning | error
/// </code>
/// Files are read from the policy's folder upwards until one says <c>root = true</c>; nearer
/// files win over farther ones, and later sections over earlier ones in the same file. A value
/// that is not a severity is an OWN0009 diagnostic at its line of the <c>.editorconfig</c>.
/// One instance caches what it reads and may be shared between threads.
/// </summary>
public sealed partial class EditorConfigSeverities
{
    /// <summary>The name of the configuration files read, in a policy's folder and every folder above it.</summary>
    public const string FileName = ".editorconfig";

    private readonly Dictionary<string, LoadedConfig?> _cache = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private readonly string? _displayBase;

    /// <param name="displayBase">
    /// Folder that <c>.editorconfig</c> paths in diagnostics are shown relative to (the CLI's
    /// current directory); null shows full paths, as MSBuild does.
    /// </param>
    public EditorConfigSeverities(string? displayBase = null) => _displayBase = displayBase;

    /// <summary>Every problem found in the configuration files read so far, in path and line order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics
    {
        get
        {
            lock (_lock)
            {
                return [.. _cache.Values.Where(c => c is not null).SelectMany(c => c!.Diagnostics).OrderBy(d => d, Diagnostic.SourceOrder)];
            }
        }
    }

    /// <summary>The overrides that apply to one policy file (by diagnostic ID, case-insensitive).</summary>
    public ImmutableDictionary<string, DiagnosticSeverity> ForFile(string policyPath) =>
        OverridesFor(policyPath) ?? ImmutableDictionary.Create<string, DiagnosticSeverity>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <see cref="ForFile"/>, but null when no <c>.editorconfig</c> on the way up sets an owner
    /// severity: the common case then makes no dictionary of the severity enum (framework generic
    /// code over a value type, which ReadyToRun cannot precompile; start-up, docs/performance.md).
    /// </summary>
    internal ImmutableDictionary<string, DiagnosticSeverity>? OverridesFor(string policyPath)
    {
        string fullPath = Path.GetFullPath(policyPath);
        var chain = new List<LoadedConfig>();
        for (string? directory = Path.GetDirectoryName(fullPath); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Load(Path.Combine(directory, FileName)) is { } file)
            {
                if (file.Config is not null)
                {
                    chain.Add(file);
                }

                if (file.IsRoot)
                {
                    break;
                }
            }
        }

        return chain.Count == 0 ? null : SeveritiesFrom(chain, fullPath);
    }

    // Roslyn is touched only here and in ParseForRoslyn, so that a check with no owner setting in
    // any .editorconfig never loads Microsoft.CodeAnalysis (start-up, docs/performance.md).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ImmutableDictionary<string, DiagnosticSeverity> SeveritiesFrom(List<LoadedConfig> chain, string fullPath)
    {
        var result = ImmutableDictionary.CreateBuilder<string, DiagnosticSeverity>(StringComparer.OrdinalIgnoreCase);
        AnalyzerConfigOptionsResult options = AnalyzerConfigSet.Create(chain.ConvertAll(c => (AnalyzerConfig)c.Config!)).GetOptionsForSourcePath(fullPath);
        foreach (KeyValuePair<string, string> option in options.AnalyzerOptions)
        {
            Match key = SeverityKey().Match(option.Key);
            if (key.Success && DiagnosticSeverityExtensions.TryParse(option.Value, out DiagnosticSeverity severity))
            {
                result[key.Groups["id"].Value.ToUpperInvariant()] = severity;
            }
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// Roslyn's parse of a file that may set owner severities; null for one that cannot (no
    /// <c>owner_diagnostic</c> key anywhere in it), which then only counts for <c>root = true</c>.
    /// </summary>
    private static object? ParseIfItSetsSeverities(SourceText text, string path) =>
        MaySetSeverities(text) ? ParseForRoslyn(text.Text, path) : null;

    // Most .editorconfig files say nothing about owner diagnostics: for those neither Roslyn nor
    // the regular expressions below are needed (start-up, docs/performance.md).
    private static bool MaySetSeverities(SourceText text) =>
        text.Text.IndexOf("owner_diagnostic", StringComparison.OrdinalIgnoreCase) >= 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object ParseForRoslyn(string text, string path) => AnalyzerConfig.Parse(text, path);

    private LoadedConfig? Load(string path)
    {
        lock (_lock)
        {
            if (_cache.TryGetValue(path, out LoadedConfig? cached))
            {
                return cached;
            }
        }

        LoadedConfig? loaded = null;
        if (File.Exists(path))
        {
            // Configuration is read as policies are: never blocking on a FIFO, never huge.
            SourceText text = SourceText.FromBytes(PolicyFileReader.ReadAllBytes(path), DisplayPath(path));
            loaded = new LoadedConfig(ParseIfItSetsSeverities(text, path), IsRoot(text), [.. BadSeverities(text)]);
        }

        lock (_lock)
        {
            _cache[path] = loaded;
        }

        return loaded;
    }

    private string DisplayPath(string fullPath)
    {
        if (_displayBase is null)
        {
            return fullPath;
        }

        string relative = Path.GetRelativePath(_displayBase, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }

    /// <summary>Every <c>owner_diagnostic.ID.severity</c> line whose value is not a severity.</summary>
    private static IEnumerable<Diagnostic> BadSeverities(SourceText text)
    {
        if (!MaySetSeverities(text))
        {
            yield break;
        }

        for (int line = 1; line <= text.LineCount; line++)
        {
            string content = text.GetLineText(line);
            Match setting = SeverityLine().Match(content);
            if (!setting.Success || DiagnosticSeverityExtensions.TryParse(setting.Groups["value"].Value, out _))
            {
                continue;
            }

            Group value = setting.Groups["value"];
            int start = text.GetLineStart(line);
            var span = value.Length == 0 ? new TextSpan(start + setting.Index, setting.Length) : new TextSpan(start + value.Index, value.Length);
            yield return Diagnostic.Create(
                CompilerDiagnostics.InvalidConfigurationValue, new Location(text, span), null, null,
                value.Value, setting.Groups["id"].Value.ToUpperInvariant());
        }
    }

    /// <summary>
    /// Whether the file says <c>root = true</c> before its first section (Roslyn reads this too,
    /// but does not expose it; the search upwards stops there).
    /// </summary>
    private static bool IsRoot(SourceText text)
    {
        for (int line = 1; line <= text.LineCount; line++)
        {
            string content = text.GetLineText(line).Trim();
            if (content.StartsWith("[", StringComparison.Ordinal))
            {
                return false;
            }

            if (IsRootLine(content))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a trimmed line is <c>root = true</c> (or <c>root: true</c>, any case, an optional
    /// <c>#</c>/<c>;</c> comment after it). Read by hand rather than by a regular expression: it runs
    /// on every check, and most checks need no regular expression otherwise.
    /// </summary>
    private static bool IsRootLine(string line)
    {
        if (!TrySkipWord(line, "root", out string rest) || rest.Length == 0 || (rest[0] != '=' && rest[0] != ':')
            || !TrySkipWord(rest.Substring(1).TrimStart(), "true", out rest))
        {
            return false;
        }

        return rest.Length == 0 || rest[0] == '#' || rest[0] == ';';

        static bool TrySkipWord(string text, string word, out string rest)
        {
            bool starts = text.StartsWith(word, StringComparison.OrdinalIgnoreCase);
            rest = starts ? text.Substring(word.Length).TrimStart() : text;
            return starts;
        }
    }

    /// <param name="Config">
    /// Roslyn's <see cref="AnalyzerConfig"/>, or null for a file that sets no owner severity. Typed
    /// <see cref="object"/>, as are the members that pass it, so that compiling or loading them
    /// never loads Roslyn.
    /// </param>
    private sealed record LoadedConfig(object? Config, bool IsRoot, ImmutableArray<Diagnostic> Diagnostics);

    [GeneratedRegex(@"^owner_diagnostic\.(?<id>OWN\d{4})\.severity$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeverityKey();

    [GeneratedRegex(@"^\s*owner_diagnostic\.(?<id>OWN\d{4})\.severity\s*[=:]\s*(?<value>[^#;]*?)\s*(?:[#;].*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeverityLine();
}
