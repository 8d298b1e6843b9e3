using AccountabilityDsl.Analysis;
using System.Text.Json;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// What the SARIF 2.1.0 schema and GitHub code scanning require of the log, checked on real
/// output by reading it back with <see cref="JsonDocument"/>.
/// </summary>
public class SarifTests
{
    private static readonly string[] Levels = ["none", "note", "warning", "error"];

    private static JsonDocument Sarif(string currentDirectory, params string[] paths)
    {
        CliResult result = Ownerc.RunIn(currentDirectory, ["check", .. paths, "--format", "sarif"]);
        result.Stderr.ShouldBeEmpty();
        return JsonDocument.Parse(result.Stdout);
    }

    [Fact]
    public void Log_has_the_required_top_level_fields_and_one_run()
    {
        using JsonDocument log = Sarif(Ownerc.FixturesFullPath, "errors", "mixed");
        JsonElement root = log.RootElement;
        root.GetProperty("$schema").GetString().ShouldBe("https://json.schemastore.org/sarif-2.1.0.json");
        root.GetProperty("version").GetString().ShouldBe("2.1.0");
        root.GetProperty("runs").GetArrayLength().ShouldBe(1);

        JsonElement driver = root.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
        driver.GetProperty("name").GetString().ShouldBe("ownerc");
        driver.GetProperty("version").GetString().ShouldBe(CommandLine.Version);
        // The rule pages' index, as a page that exists: here the copy next to the compiler.
        string home = driver.GetProperty("informationUri").GetString()!;
        home.ShouldBe(DiagnosticDescriptor.HelpLinkBase + "README.md");
        File.Exists(new Uri(home).LocalPath).ShouldBeTrue(home);
    }

    [Fact]
    public void Every_catalog_rule_is_described()
    {
        using JsonDocument log = Sarif(Ownerc.FixturesFullPath, "valid");
        JsonElement[] rules = [.. log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()];
        rules.Select(r => r.GetProperty("id").GetString()).ShouldBe(DiagnosticCatalog.All.Select(d => d.Id));
        foreach (JsonElement rule in rules)
        {
            DiagnosticDescriptor descriptor = DiagnosticCatalog.Find(rule.GetProperty("id").GetString()!)!;
            rule.GetProperty("name").GetString()!.ShouldMatch("^[A-Z][A-Za-z0-9]*$");
            rule.GetProperty("shortDescription").GetProperty("text").GetString().ShouldBe(descriptor.Title);
            rule.GetProperty("fullDescription").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            // A link to a page that exists (the copy next to the compiler); the page is in the log too.
            string helpUri = rule.GetProperty("helpUri").GetString()!;
            helpUri.ShouldBe(descriptor.HelpLink);
            File.ReadAllText(new Uri(helpUri).LocalPath).ShouldBe(DiagnosticCatalog.GetDocumentation(descriptor.Id));
            rule.GetProperty("help").GetProperty("markdown").GetString().ShouldBe(DiagnosticCatalog.GetDocumentation(descriptor.Id));
            rule.GetProperty("help").GetProperty("text").GetString().ShouldBe(DiagnosticCatalog.GetDocumentation(descriptor.Id));
            rule.GetProperty("defaultConfiguration").GetProperty("level").GetString().ShouldBeOneOf(Levels);
        }

        rules.Single(r => r.GetProperty("id").GetString() == "OWN0102").GetProperty("name").GetString().ShouldBe("AccountabilityConflict");
    }

    [Fact]
    public void Results_have_rule_message_location_and_fingerprint()
    {
        using JsonDocument log = Sarif(Ownerc.FixturesFullPath, "errors", "mixed");
        JsonElement run = log.RootElement.GetProperty("runs")[0];
        JsonElement rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString()
            .ShouldBe(new Uri(Ownerc.FixturesFullPath + "/").AbsoluteUri);

        JsonElement[] results = [.. run.GetProperty("results").EnumerateArray()];
        results.Length.ShouldBe(8);
        var fingerprints = new HashSet<string>();
        foreach (JsonElement result in results)
        {
            string ruleId = result.GetProperty("ruleId").GetString()!;
            int ruleIndex = result.GetProperty("ruleIndex").GetInt32();
            ruleIndex.ShouldBeInRange(0, rules.GetArrayLength() - 1);
            rules[ruleIndex].GetProperty("id").GetString().ShouldBe(ruleId);
            result.GetProperty("level").GetString().ShouldBeOneOf(Levels);
            result.GetProperty("message").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();

            JsonElement location = result.GetProperty("locations").EnumerateArray().Single().GetProperty("physicalLocation");
            CheckPhysicalLocation(location, relative: true);

            if (result.TryGetProperty("relatedLocations", out JsonElement related))
            {
                foreach (JsonElement r in related.EnumerateArray())
                {
                    r.GetProperty("id").GetInt32().ShouldBeGreaterThanOrEqualTo(0);
                    r.GetProperty("message").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
                    CheckPhysicalLocation(r.GetProperty("physicalLocation"), relative: true);
                }
            }

            string fingerprint = result.GetProperty("partialFingerprints").GetProperty(SarifFormatter.FingerprintKey).GetString()!;
            fingerprint.ShouldMatch("^[0-9a-f]{32}$");
            fingerprints.Add(fingerprint);
        }

        fingerprints.Count.ShouldBe(results.Length);
        results.Single(r => r.GetProperty("ruleId").GetString() == "OWN0102").GetProperty("relatedLocations").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public void Fingerprints_do_not_depend_on_how_the_path_was_written()
    {
        using JsonDocument fromRoot = Sarif(Ownerc.FixturesFullPath, "errors/conflict.owner");
        using JsonDocument dotted = Sarif(Ownerc.FixturesFullPath, "./errors/../errors/conflict.owner");
        Fingerprint(dotted).ShouldBe(Fingerprint(fromRoot));
        UriOf(dotted).ShouldBe("errors/conflict.owner");
    }

    [Fact]
    public void Files_outside_the_current_directory_get_absolute_file_uris()
    {
        using JsonDocument log = Sarif(Path.Combine(Ownerc.FixturesFullPath, "valid"), "../errors/conflict.owner");
        JsonElement location = log.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        CheckPhysicalLocation(location, relative: false);
        UriOf(log).ShouldBe(new Uri(Path.Combine(Ownerc.FixturesFullPath, "errors", "conflict.owner")).AbsoluteUri);
    }

    [Fact]
    public void Relative_uris_use_forward_slashes_and_escape_each_segment()
    {
        using var temp = new TempFolder();
        temp.Write("my policies/bank #1.owner", Policies.Conflict);
        using JsonDocument log = Sarif(temp.Path, "my policies");
        UriOf(log).ShouldBe("my%20policies/bank%20%231.owner");
    }

    private static void CheckPhysicalLocation(JsonElement location, bool relative)
    {
        JsonElement artifact = location.GetProperty("artifactLocation");
        string uri = artifact.GetProperty("uri").GetString()!;
        uri.ShouldNotContain("\\");
        if (relative)
        {
            artifact.GetProperty("uriBaseId").GetString().ShouldBe("%SRCROOT%");
            System.Uri.IsWellFormedUriString(uri, UriKind.Relative).ShouldBeTrue(uri);
        }
        else
        {
            artifact.TryGetProperty("uriBaseId", out _).ShouldBeFalse();
            uri.ShouldStartWith("file:///");
        }

        JsonElement region = location.GetProperty("region");
        int startLine = region.GetProperty("startLine").GetInt32();
        int startColumn = region.GetProperty("startColumn").GetInt32();
        int endLine = region.GetProperty("endLine").GetInt32();
        int endColumn = region.GetProperty("endColumn").GetInt32();
        startLine.ShouldBeGreaterThanOrEqualTo(1);
        startColumn.ShouldBeGreaterThanOrEqualTo(1);
        endLine.ShouldBeGreaterThanOrEqualTo(startLine);
        endColumn.ShouldBeGreaterThanOrEqualTo(1);
        if (endLine == startLine)
        {
            endColumn.ShouldBeGreaterThanOrEqualTo(startColumn);
        }
    }

    private static string Fingerprint(JsonDocument log) =>
        log.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("partialFingerprints").GetProperty(SarifFormatter.FingerprintKey).GetString()!;

    private static string UriOf(JsonDocument log) =>
        log.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0]
            .GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;
}
