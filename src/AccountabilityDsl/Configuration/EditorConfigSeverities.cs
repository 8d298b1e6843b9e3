using System.Text.RegularExpressions;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Configuration;

/// <summary>
/// Severity overrides from <c>.editorconfig</c> files, as for C# analyzers:
/// <code>
/// [*.owner]
/// owner_diagnostic.OWN0301.severity = none | suggestion | warning | error
/// </code>
/// Files are read from the policy's folder upwards until one says <c>root = true</c>; nearer
/// files win over farther ones, and later sections over earlier ones in the same file.
/// Section globs support <c>*</c>, <c>**</c>, <c>?</c>, <c>{a,b}</c> and <c>[abc]</c>.
/// </summary>
public sealed partial class EditorConfigSeverities
{
    private readonly Dictionary<string, EditorConfigFile?> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Problems found while reading configuration, such as an unknown severity.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The overrides that apply to one policy file.</summary>
    public IReadOnlyDictionary<string, DiagnosticSeverity> ForFile(string policyPath)
    {
        string fullPath = Path.GetFullPath(policyPath);
        var chain = new List<EditorConfigFile>();
        for (string? directory = Path.GetDirectoryName(fullPath); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Load(Path.Combine(directory, ".editorconfig")) is { } file)
            {
                chain.Add(file);
                if (file.IsRoot)
                {
                    break;
                }
            }
        }

        var result = new Dictionary<string, DiagnosticSeverity>(StringComparer.OrdinalIgnoreCase);
        // Farthest first, so that nearer files overwrite.
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            chain[i].Apply(fullPath, result);
        }

        return result;
    }

    private EditorConfigFile? Load(string path)
    {
        lock (_lock)
        {
            if (!_cache.TryGetValue(path, out EditorConfigFile? file))
            {
                file = File.Exists(path) ? EditorConfigFile.Parse(path, File.ReadAllLines(path), Warnings) : null;
                _cache[path] = file;
            }

            return file;
        }
    }

    private sealed partial class EditorConfigFile
    {
        private readonly List<(Regex Glob, List<(string Id, DiagnosticSeverity Severity)> Settings)> _sections = [];

        private EditorConfigFile(string directory) => Directory = directory;

        public string Directory { get; }

        public bool IsRoot { get; private set; }

        public static EditorConfigFile Parse(string path, string[] lines, List<string> warnings)
        {
            var file = new EditorConfigFile(Path.GetDirectoryName(path)!);
            List<(string, DiagnosticSeverity)>? current = null;
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.Length == 0 || line[0] is '#' or ';')
                {
                    continue;
                }

                if (line[0] == '[' && line[^1] == ']')
                {
                    current = [];
                    file._sections.Add((GlobToRegex(line[1..^1]), current));
                    continue;
                }

                int equals = line.IndexOf('=');
                if (equals < 0)
                {
                    continue;
                }

                string key = line[..equals].Trim();
                string value = line[(equals + 1)..].Trim();
                if (current is null)
                {
                    file.IsRoot |= key.Equals("root", StringComparison.OrdinalIgnoreCase) && value.Equals("true", StringComparison.OrdinalIgnoreCase);
                    continue;
                }

                Match setting = SeverityKey().Match(key);
                if (!setting.Success)
                {
                    continue;
                }

                if (DiagnosticSeverityExtensions.TryParse(value, out DiagnosticSeverity severity))
                {
                    current.Add((setting.Groups["id"].Value.ToUpperInvariant(), severity));
                }
                else
                {
                    warnings.Add($"{path}({i + 1}): '{value}' is not a severity; use none, suggestion, warning or error");
                }
            }

            return file;
        }

        public void Apply(string fullPath, Dictionary<string, DiagnosticSeverity> result)
        {
            string relative = Path.GetRelativePath(Directory, fullPath).Replace('\\', '/');
            foreach ((Regex glob, List<(string Id, DiagnosticSeverity Severity)> settings) in _sections)
            {
                if (glob.IsMatch(relative))
                {
                    foreach ((string id, DiagnosticSeverity severity) in settings)
                    {
                        result[id] = severity;
                    }
                }
            }
        }

        /// <summary>EditorConfig globs: a pattern without '/' matches the file name in any folder.</summary>
        private static Regex GlobToRegex(string glob)
        {
            bool anchored = glob.Contains('/');
            glob = glob.TrimStart('/');
            var pattern = new System.Text.StringBuilder(anchored ? "^" : "(?:^|/)");
            for (int i = 0; i < glob.Length; i++)
            {
                char c = glob[i];
                switch (c)
                {
                    case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                        pattern.Append(".*");
                        i++;
                        break;
                    case '*':
                        pattern.Append("[^/]*");
                        break;
                    case '?':
                        pattern.Append("[^/]");
                        break;
                    case '{':
                        int close = glob.IndexOf('}', i);
                        if (close < 0)
                        {
                            pattern.Append(@"\{");
                            break;
                        }

                        pattern.Append("(?:").Append(string.Join('|', glob[(i + 1)..close].Split(',').Select(Regex.Escape))).Append(')');
                        i = close;
                        break;
                    case '[':
                        int end = glob.IndexOf(']', i);
                        if (end < 0)
                        {
                            pattern.Append(@"\[");
                            break;
                        }

                        pattern.Append('[').Append(glob[(i + 1)..end].Replace("!", "^")).Append(']');
                        i = end;
                        break;
                    default:
                        pattern.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }

            return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
        }

        [GeneratedRegex(@"^owner_diagnostic\.(?<id>OWN\d{4})\.severity$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex SeverityKey();
    }
}
