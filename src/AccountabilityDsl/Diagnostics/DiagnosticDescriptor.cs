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
    /// <summary>Where the rule's documentation is published; also the SARIF <c>helpUri</c>.</summary>
    public const string HelpLinkBase = "https://github.com/accountabilitydsl/accountabilitydsl/blob/main/docs/rules/";

    public string HelpLink => HelpLinkBase + Id + ".md";

    /// <summary>The documentation page's path relative to the repository root.</summary>
    public string DocumentationPath => "docs/rules/" + Id + ".md";

    public string FormatMessage(params object?[] arguments) =>
        arguments.Length == 0 ? MessageFormat : string.Format(CultureInfo.InvariantCulture, MessageFormat, arguments);
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
