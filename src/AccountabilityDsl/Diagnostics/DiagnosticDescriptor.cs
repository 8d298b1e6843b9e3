using System.Globalization;

namespace AccountabilityDsl.Diagnostics;

/// <summary>
/// What a diagnostic ID means: its title, message format and default severity. IDs are stable
/// and never reused for another meaning. Every descriptor has a page under
/// <c>docs/rules/&lt;Id&gt;.md</c> (a test enforces it).
/// </summary>
public sealed record DiagnosticDescriptor(
    string Id,
    string Title,
    string MessageFormat,
    DiagnosticSeverity DefaultSeverity,
    DiagnosticCategory Category)
{
    /// <summary>
    /// Where the rule pages are, ending in <c>/</c>: their published home when the build was told
    /// one (the MSBuild property <c>RulesDocumentationUrl</c>); otherwise the <c>file:</c> folder
    /// of the copies that ship next to the compiler in every host (the <c>ownerc</c> tool, the
    /// MSBuild task); null when neither exists. A link is only ever given to a page that exists.
    /// </summary>
    public static string? HelpLinkBase => RulePages.BaseUrl;

    /// <summary>The rule's page (the SARIF <c>helpUri</c>, the LSP code link, MSBuild's help link), or null.</summary>
    public string? HelpLink => HelpLinkBase is null ? null : HelpLinkBase + Id + ".md";

    /// <summary>
    /// The command that prints the rule's page from the copy built into the compiler: it works
    /// offline and always matches the installed version, so the text output names it.
    /// </summary>
    public string HelpCommand => "ownerc help " + Id;

    /// <summary>The documentation page's path relative to the repository root.</summary>
    public string DocumentationPath => "docs/rules/" + Id + ".md";

    public string FormatMessage(params object?[] arguments) =>
        arguments.Length == 0 ? MessageFormat : string.Format(CultureInfo.InvariantCulture, MessageFormat, arguments);
}

/// <summary>
/// Finds the rule pages once, on first use: a check without diagnostics never pays for the
/// reflection or the file system probe.
/// </summary>
file static class RulePages
{
    public static readonly string? BaseUrl = Published() ?? Shipped();

    private static string? Published()
    {
        foreach (object attribute in typeof(DiagnosticDescriptor).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false))
        {
            if (attribute is System.Reflection.AssemblyMetadataAttribute { Key: "RulesDocumentationUrl", Value: { Length: > 0 } url })
            {
                return url.EndsWith("/", StringComparison.Ordinal) ? url : url + "/";
            }
        }

        return null;
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000:Avoid accessing Assembly file path when publishing as a single file",
        Justification = "An empty Location (single-file or native ownerc) is handled: the base directory holds the pages then.")]
    private static string? Shipped()
    {
        // The compiler's own folder: the MSBuild task's folder inside MSBuild, the tool's folder
        // for ownerc. A single-file or native build has no assembly path; its base directory holds the files.
        string location = typeof(DiagnosticDescriptor).Assembly.Location;
        string folder = location.Length > 0 ? Path.GetDirectoryName(location)! : AppContext.BaseDirectory;
        string pages = Path.Combine(folder, "docs", "rules");
        return Directory.Exists(pages) ? new Uri(Path.GetFullPath(pages) + Path.DirectorySeparatorChar).AbsoluteUri : null;
    }
}

public enum DiagnosticCategory
{
    Syntax,
    Binding,
    Accountability,
    ContactPolicy,
    Usage,
    Configuration,
}
