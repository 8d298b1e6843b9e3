using System.Text.Json;
using AccountabilityDsl.Cli.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>The <c>--format json</c> shape is a contract: exact property names, in order.</summary>
public class JsonTests
{
    private static readonly string[] DiagnosticProperties = ["id", "severity", "message", "file", "line", "column", "endLine", "endColumn", "related"];

    [Fact]
    public void Shape_and_property_names_are_exactly_the_contract()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/errors", $"{Ownerc.Fixtures}/mixed", $"{Ownerc.Fixtures}/valid", "--format", "json");
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        JsonElement root = document.RootElement;
        Names(root).ShouldBe(["diagnostics", "summary"]);
        Names(root.GetProperty("summary")).ShouldBe(["files", "errors", "warnings"]);
        root.GetProperty("summary").GetProperty("files").GetInt32().ShouldBe(5);
        root.GetProperty("summary").GetProperty("errors").GetInt32().ShouldBe(6);
        root.GetProperty("summary").GetProperty("warnings").GetInt32().ShouldBe(2);

        JsonElement[] diagnostics = [.. root.GetProperty("diagnostics").EnumerateArray()];
        diagnostics.Length.ShouldBe(8);
        foreach (JsonElement d in diagnostics)
        {
            Names(d).ShouldBe(DiagnosticProperties);
            d.GetProperty("id").GetString()!.ShouldMatch("^OWN[0-9]{4}$");
            d.GetProperty("severity").GetString().ShouldBeOneOf("error", "warning", "suggestion");
            d.GetProperty("file").GetString()!.ShouldStartWith(Ownerc.Fixtures + "/");
            foreach (string number in new[] { "line", "column", "endLine", "endColumn" })
            {
                d.GetProperty(number).ValueKind.ShouldBe(JsonValueKind.Number);
                d.GetProperty(number).GetInt32().ShouldBeGreaterThanOrEqualTo(1);
            }

            foreach (JsonElement related in d.GetProperty("related").EnumerateArray())
            {
                Names(related).ShouldBe(["file", "line", "column", "message"]);
            }
        }

        JsonElement conflict = diagnostics.Single(d => d.GetProperty("id").GetString() == "OWN0102");
        conflict.GetProperty("related").GetArrayLength().ShouldBe(2);
        conflict.GetProperty("related")[0].GetProperty("line").GetInt32().ShouldBe(7);
    }

    [Fact]
    public void Output_is_one_object_even_with_no_diagnostics()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/valid", "--format", "json");
        result.ExitCode.ShouldBe(0);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        document.RootElement.GetProperty("diagnostics").GetArrayLength().ShouldBe(0);
        document.RootElement.GetProperty("summary").GetProperty("files").GetInt32().ShouldBe(1);
    }

    internal static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}

public class JsonWitnessFromTheAnalysisTests
{
    [Fact]
    public void A_real_gap_carries_its_witness_as_a_typed_object()
    {
        CliResult result = Ownerc.Run("check", "samples/company-a.owner", "--format", "json");
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var gap = json.RootElement.GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "OWN0103");
        var witness = gap.GetProperty("witness");
        witness.GetProperty("revenue").GetDecimal().ShouldBe(500000m);
        witness.GetProperty("region").GetString().ShouldBe("Americas");
        gap.GetProperty("message").GetString()!.ShouldContain("500000 <= revenue < 1000000");
    }
}
