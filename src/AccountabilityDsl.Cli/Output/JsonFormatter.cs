using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Output;

/// <summary>
/// One JSON object, properties always in this order:
/// <code>
/// {"diagnostics":[{"id","severity","message","file","line","column","endLine","endColumn",
///   "related":[{"file","line","column","message"}], "witness":{...}}],
///  "summary":{"files","errors","warnings"}}
/// </code>
/// <c>witness</c> appears only on diagnostics that name a witness customer; its values are
/// JSON numbers, booleans and strings.
/// </summary>
public sealed class JsonFormatter : IDiagnosticFormatter
{
    // A property, not a static field: a struct field would load System.Text.Json with this type,
    // that is on every `ownerc check`, JSON or not (start-up, docs/performance.md).
    internal static JsonWriterOptions WriterOptions => new()
    {
        Indented = true,
        NewLine = "\n",
        // The output is never embedded in HTML; keep quotes and non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Write(CheckReport report, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("diagnostics");
            foreach (Diagnostic d in report.Diagnostics)
            {
                WriteDiagnostic(json, d);
            }

            json.WriteEndArray();
            json.WriteStartObject("summary");
            json.WriteNumber("files", report.FileCount);
            json.WriteNumber("errors", report.Errors);
            json.WriteNumber("warnings", report.Warnings);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    private static void WriteDiagnostic(Utf8JsonWriter json, Diagnostic d)
    {
        LinePositionSpan span = d.Location.LineSpan;
        json.WriteStartObject();
        json.WriteString("id", d.Id);
        json.WriteString("severity", d.Severity.ToDisplayString());
        json.WriteString("message", d.Message);
        json.WriteString("file", d.Location.FilePath);
        json.WriteNumber("line", span.Start.Line);
        json.WriteNumber("column", span.Start.Column);
        json.WriteNumber("endLine", span.End.Line);
        json.WriteNumber("endColumn", span.End.Column);
        json.WriteStartArray("related");
        foreach (RelatedLocation related in d.Related)
        {
            LinePosition start = related.Location.LineSpan.Start;
            json.WriteStartObject();
            json.WriteString("file", related.Location.FilePath);
            json.WriteNumber("line", start.Line);
            json.WriteNumber("column", start.Column);
            json.WriteString("message", related.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (d.Witness is { } witness)
        {
            json.WritePropertyName("witness");
            WriteWitness(json, witness);
        }

        json.WriteEndObject();
    }

    internal static void WriteWitness(Utf8JsonWriter json, Witness witness)
    {
        json.WriteStartObject();
        foreach ((string name, WitnessValue value) in witness.Values)
        {
            if (value.Number is { } number)
            {
                json.WriteNumber(name, number);
            }
            else if (value.Bool is { } flag)
            {
                json.WriteBoolean(name, flag);
            }
            else
            {
                json.WriteString(name, value.Name ?? "");
            }
        }

        json.WriteEndObject();
    }
}
