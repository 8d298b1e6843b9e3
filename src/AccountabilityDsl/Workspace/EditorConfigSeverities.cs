using System.Collections.Immutable;
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
    public ImmutableDictionary<string, DiagnosticSeverity> ForFile(string policyPath)
    {
        string fullPath = Path.GetFullPath(policyPath);
        var chain = new List<AnalyzerConfig>();
        for (string? directory = Path.GetDirectoryName(fullPath); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Load(Path.Combine(directory, ".editorconfig")) is { } file)
            {
                chain.Add(file.Config);
                if (file.IsRoot)
                {
                    break;
                }
            }
        }

        var result = ImmutableDictionary.CreateBuilder<string, DiagnosticSeverity>(StringComparer.OrdinalIgnoreCase);
        if (chain.Count == 0)
        {
            return result.ToImmutable();
        }

        AnalyzerConfigOptionsResult options = AnalyzerConfigSet.Create(chain).GetOptionsForSourcePath(fullPath);
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
            loaded = new LoadedConfig(AnalyzerConfig.Parse(text.Text, path), IsRoot(text), [.. BadSeverities(text)]);
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

            if (RootLine().IsMatch(content))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record LoadedConfig(AnalyzerConfig Config, bool IsRoot, ImmutableArray<Diagnostic> Diagnostics);

    [GeneratedRegex(@"^root\s*[=:]\s*true\s*(?:[#;].*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RootLine();

    [GeneratedRegex(@"^owner_diagnostic\.(?<id>OWN\d{4})\.severity$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeverityKey();

    [GeneratedRegex(@"^\s*owner_diagnostic\.(?<id>OWN\d{4})\.severity\s*[=:]\s*(?<value>[^#;]*?)\s*(?:[#;].*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeverityLine();
}
