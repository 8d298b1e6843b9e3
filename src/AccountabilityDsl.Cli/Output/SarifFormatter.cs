using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Output;

/// <summary>
/// SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it: one run whose driver
/// lists every rule the compiler has (with its documentation), one result per diagnostic.
/// Paths under the current directory are relative URIs against <c>%SRCROOT%</c> (so the log
/// is portable and code scanning maps results to the repository); others are absolute
/// <c>file://</c> URIs. Columns count UTF-16 code units and end columns are exclusive, as in
/// every other ownerc format.
/// </summary>
public sealed class SarifFormatter : IDiagnosticFormatter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string SourceRootId = "%SRCROOT%";
    public const string FingerprintKey = "ownercDiagnostic/v1";

    public void Write(CheckReport report, TextWriter output)
    {
        List<DiagnosticDescriptor> rules = [.. DiagnosticCatalog.All];
        foreach (Diagnostic d in report.Diagnostics)
        {
            if (!rules.Any(r => r.Id == d.Id))
            {
                rules.Add(d.Descriptor);
            }
        }

        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < rules.Count; i++)
        {
            ruleIndex[rules[i].Id] = i;
        }

        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(report.CurrentDirectory));

        var buffer = new ArrayBufferWriter<byte>(16384);
        using (var json = new Utf8JsonWriter(buffer, JsonFormatter.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "ownerc");
            json.WriteString("version", CommandLine.Version);
            json.WriteString("semanticVersion", CommandLine.Version);
            if (DiagnosticDescriptor.HelpLinkBase is { } documentation)
            {
                // The index of the rule pages; SARIF makes the property optional, so it is left
                // out rather than pointed at a page that does not exist.
                json.WriteString("informationUri", documentation + "README.md");
            }

            json.WriteStartArray("rules");
            foreach (DiagnosticDescriptor rule in rules)
            {
                WriteRule(json, rule);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            WriteInvocation(json, report);

            json.WriteStartObject("originalUriBaseIds");
            json.WriteStartObject(SourceRootId);
            json.WriteString("uri", new Uri(root + Path.DirectorySeparatorChar).AbsoluteUri);
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("results");
            foreach (Diagnostic d in report.Diagnostics)
            {
                WriteResult(json, d, ruleIndex[d.Id], root);
            }

            json.WriteEndArray();
            json.WriteString("columnKind", "utf16CodeUnits");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    private static void WriteRule(Utf8JsonWriter json, DiagnosticDescriptor rule)
    {
        string? documentation = DiagnosticCatalog.GetDocumentation(rule.Id);
        json.WriteStartObject();
        json.WriteString("id", rule.Id);
        json.WriteString("name", PascalCase(rule.Title));
        json.WriteStartObject("shortDescription");
        json.WriteString("text", rule.Title);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", (documentation is null ? null : FirstParagraph(documentation)) ?? rule.Title + ".");
        json.WriteEndObject();
        if (rule.HelpLink is { } link)
        {
            json.WriteString("helpUri", link);
        }

        // The page itself travels in the log, so a viewer shows it without any link.
        json.WriteStartObject("help");
        json.WriteString("text", documentation ?? $"{rule.Title}. Run '{rule.HelpCommand}' for the rule's page.");
        json.WriteString("markdown", documentation ?? $"{rule.Title}. Run `{rule.HelpCommand}` for the rule's page.");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(rule.DefaultSeverity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        json.WriteStringValue(rule.Category.ToString().ToLowerInvariant());
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter json, CheckReport report)
    {
        List<string> readErrors = [.. report.Files.Where(f => !f.WasRead).Select(f => f.ReadError!)];
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", readErrors.Count == 0);
        if (readErrors.Count > 0)
        {
            json.WriteStartArray("toolExecutionNotifications");
            foreach (string error in readErrors)
            {
                json.WriteStartObject();
                json.WriteString("level", "error");
                json.WriteStartObject("message");
                json.WriteString("text", error);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteResult(Utf8JsonWriter json, Diagnostic d, int ruleIndex, string root)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", d.Id);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(d.Severity));
        json.WriteStartObject("message");
        // The message already names the witness in words ("for example the customer …"); the
        // typed values are in properties.witness, so nothing is said twice.
        json.WriteString("text", d.Message);
        json.WriteEndObject();

        json.WriteStartArray("locations");
        json.WriteStartObject();
        WritePhysicalLocation(json, d.Location, root);
        json.WriteEndObject();
        json.WriteEndArray();

        if (!d.Related.IsEmpty)
        {
            json.WriteStartArray("relatedLocations");
            for (int i = 0; i < d.Related.Length; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", i);
                WritePhysicalLocation(json, d.Related[i].Location, root);
                json.WriteStartObject("message");
                json.WriteString("text", d.Related[i].Message);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        (string uri, _) = ArtifactUri(d.Location.FilePath, root);
        json.WriteStartObject("partialFingerprints");
        json.WriteString(FingerprintKey, Fingerprint(d.Id, uri, d.Message));
        json.WriteEndObject();

        if (d.Witness is { } witness)
        {
            json.WriteStartObject("properties");
            json.WritePropertyName("witness");
            JsonFormatter.WriteWitness(json, witness);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WritePhysicalLocation(Utf8JsonWriter json, Location location, string root)
    {
        LinePositionSpan span = location.LineSpan;
        (string uri, bool relative) = ArtifactUri(location.FilePath, root);
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", uri);
        if (relative)
        {
            json.WriteString("uriBaseId", SourceRootId);
        }

        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", span.Start.Line);
        json.WriteNumber("startColumn", span.Start.Column);
        json.WriteNumber("endLine", span.End.Line);
        json.WriteNumber("endColumn", span.End.Column);
        json.WriteStartObject("snippet");
        json.WriteString("text", location.Source.ToString(location.Span));
        json.WriteEndObject();
        json.WriteEndObject();

        // The whole lines the finding is on, so a viewer without the file still shows it in context.
        int contextStart = location.Source.GetLineStart(span.Start.Line);
        int contextEnd = span.End.Line < location.Source.LineCount ? location.Source.GetLineStart(span.End.Line + 1) : location.Source.Length;
        json.WriteStartObject("contextRegion");
        json.WriteNumber("startLine", span.Start.Line);
        json.WriteNumber("endLine", span.End.Line);
        json.WriteStartObject("snippet");
        json.WriteString("text", location.Source.ToString(new TextSpan(contextStart, contextEnd - contextStart)));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// A relative URI (forward slashes, each segment escaped) when the file is under
    /// <paramref name="root"/>, else an absolute <c>file://</c> URI.
    /// </summary>
    internal static (string Uri, bool Relative) ArtifactUri(string path, string root)
    {
        string full = Path.GetFullPath(path, root);
        string relative = Path.GetRelativePath(root, full);
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("../", StringComparison.Ordinal))
        {
            return (new Uri(full).AbsoluteUri, false);
        }

        string[] segments = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return (string.Join('/', segments.Select(Uri.EscapeDataString)), true);
    }

    /// <summary>A stable hash of rule, file and message, so code scanning can follow an alert across runs.</summary>
    internal static string Fingerprint(string id, string uri, string message)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{id}\n{uri}\n{message}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    internal static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Suggestion => "note",
        _ => "none",
    };

    /// <summary>
    /// The rule's friendly name as SARIF wants it, one Pascal-case identifier: "Missing or repeated
    /// policy header, or no stages" becomes "MissingOrRepeatedPolicyHeaderOrNoStages". An apostrophe
    /// stays inside its word ("channel's" → "Channels", not "ChannelS"), and the articles "a", "an"
    /// and "the" are left out, so no two capitals meet ("InAPredicate" reads as an acronym).
    /// </summary>
    internal static string PascalCase(string title)
    {
        var name = new StringBuilder(title.Length);
        foreach (string word in title.Split([' ', ',', '-', '(', ')', '.', ':', ';', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            string letters = new([.. word.Where(char.IsLetterOrDigit)]);
            if (letters.Length == 0 || (name.Length > 0 && letters.ToLowerInvariant() is "a" or "an" or "the"))
            {
                continue;
            }

            name.Append(char.ToUpperInvariant(letters[0])).Append(letters, 1, letters.Length - 1);
        }

        return name.ToString();
    }

    /// <summary>The first paragraph of prose in a rule page (headings skipped), on one line.</summary>
    internal static string? FirstParagraph(string markdown)
    {
        var paragraph = new List<string>();
        foreach (string raw in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                if (paragraph.Count > 0)
                {
                    break;
                }

                continue;
            }

            paragraph.Add(line);
        }

        return paragraph.Count == 0 ? null : string.Join(' ', paragraph);
    }
}
