using AccountabilityDsl.Cli.Checking;

namespace AccountabilityDsl.Cli.Output;

/// <summary>Writes the result of a check run in one output format.</summary>
public interface IDiagnosticFormatter
{
    void Write(CheckReport report, TextWriter output);
}

/// <summary>The values of <c>--format</c>.</summary>
public enum OutputFormat
{
    Text,
    Json,
    Sarif,
    MSBuild,
}

public static class OutputFormats
{
    public const string Names = "text, json, sarif or msbuild";

    public static bool TryParse(string value, out OutputFormat format)
    {
        switch (value.ToLowerInvariant())
        {
            case "text":
                format = OutputFormat.Text;
                return true;
            case "json":
                format = OutputFormat.Json;
                return true;
            case "sarif":
                format = OutputFormat.Sarif;
                return true;
            case "msbuild":
                format = OutputFormat.MSBuild;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static IDiagnosticFormatter Create(OutputFormat format, bool useColor) => format switch
    {
        OutputFormat.Json => new JsonFormatter(),
        OutputFormat.Sarif => new SarifFormatter(),
        OutputFormat.MSBuild => new MSBuildFormatter(),
        _ => new TextFormatter(useColor),
    };
}
