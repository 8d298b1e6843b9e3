using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.Build.Framework;

namespace AccountabilityDsl.Build.Tests.FrameworkHost;

/// <summary>
/// The part of MSBuild a task talks to: records every error, warning and message the task logs,
/// with everything MSBuild would print (code, file, line, column, end line, end column, help
/// keyword, help link), as one JSON object per event, in the order they were logged.
/// </summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    private readonly object _gate = new();

    /// <summary>One JSON object per logged event, in logging order.</summary>
    public List<string> Events { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public void LogCustomEvent(CustomBuildEventArgs e) => Add(Json.Object(("kind", "custom"), ("message", e.Message)));

    public void LogErrorEvent(BuildErrorEventArgs e) =>
        Add(Diagnostic("error", e.Code, e.File, e.LineNumber, e.ColumnNumber, e.EndLineNumber, e.EndColumnNumber, e.HelpKeyword, e.HelpLink, e.Message));

    public void LogWarningEvent(BuildWarningEventArgs e) =>
        Add(Diagnostic("warning", e.Code, e.File, e.LineNumber, e.ColumnNumber, e.EndLineNumber, e.EndColumnNumber, e.HelpKeyword, e.HelpLink, e.Message));

    public void LogMessageEvent(BuildMessageEventArgs e) =>
        Add(Diagnostic("message", e.Code, e.File, e.LineNumber, e.ColumnNumber, e.EndLineNumber, e.EndColumnNumber, e.HelpKeyword, null, e.Message));

    private static string Diagnostic(string kind, string? code, string? file, int line, int column, int endLine, int endColumn, string? helpKeyword, string? helpLink, string? message) =>
        Json.Object(("kind", kind), ("code", code), ("file", file), ("line", line), ("column", column), ("endLine", endLine), ("endColumn", endColumn),
            ("helpKeyword", helpKeyword), ("helpLink", helpLink), ("message", message));

    private void Add(string json)
    {
        lock (_gate)
        {
            Events.Add(json);
        }
    }
}

/// <summary>Just enough JSON writing for flat objects of strings, numbers and booleans (no JSON library on .NET Framework 4.7.2).</summary>
public static class Json
{
    public static string Object(params (string Name, object? Value)[] members)
    {
        var json = new StringBuilder("{");
        foreach ((string name, object? value) in members)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            String(json, name);
            json.Append(':');
            switch (value)
            {
                case null:
                    json.Append("null");
                    break;
                case bool b:
                    json.Append(b ? "true" : "false");
                    break;
                case int i:
                    json.Append(i.ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    String(json, value.ToString() ?? "");
                    break;
            }
        }

        return json.Append('}').ToString();
    }

    private static void String(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
