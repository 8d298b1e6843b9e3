using System.Text;
using System.Xml;
using System.Xml.Linq;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Runtime.Compiled.Testing;

namespace AccountabilityDsl.Cli.Output;

/// <summary>Writes <c>ownerc test</c> results: a line per test for people, or JUnit XML for CI systems.</summary>
public static class TestReportWriter
{
    public static string Text(IReadOnlyList<TestFileResult> files)
    {
        var text = new StringBuilder();
        foreach (TestFileResult file in files)
        {
            foreach (Diagnostic diagnostic in file.Diagnostics)
            {
                text.Append(diagnostic).Append('\n');
            }

            foreach (TestResult test in file.Tests)
            {
                text.Append(test.Passed ? "PASS  " : "FAIL  ").Append($"{test.File}({test.Line}): {test.Name}\n");
                foreach (Diagnostic diagnostic in test.Diagnostics)
                {
                    text.Append("      ").Append(diagnostic).Append('\n');
                }

                foreach (TestFailure failure in test.Failures)
                {
                    text.Append($"      line {failure.Line}: expected {failure.Expected}\n");
                    text.Append($"      {new string(' ', failure.Line.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 7)}but {failure.Actual}\n");
                    foreach (string line in failure.PolicyLines)
                    {
                        text.Append($"        {line}\n");
                    }
                }
            }
        }

        text.Append(Summary(files)).Append('\n');
        return text.ToString();
    }

    /// <summary>"3 passed, 1 failed".</summary>
    public static string Summary(IReadOnlyList<TestFileResult> files)
    {
        int passed = files.Sum(f => f.Tests.Count(t => t.Passed));
        int failed = files.Sum(f => f.Tests.Count(t => !t.Passed));
        int broken = files.Count(f => !f.Diagnostics.IsEmpty);
        return $"{passed} passed, {failed} failed" + (broken == 0 ? "" : $", {broken} test file{(broken == 1 ? "" : "s")} with errors");
    }

    /// <summary>
    /// JUnit XML as Jenkins, GitLab, Azure DevOps and GitHub test reporters read it: a suite per
    /// file, a case per test, a failure per failed test (its message the first failure), and an
    /// error for a test or file that could not run as written.
    /// </summary>
    public static string JUnit(IReadOnlyList<TestFileResult> files)
    {
        var suites = new XElement("testsuites",
            new XAttribute("name", "ownerc test"),
            new XAttribute("tests", files.Sum(f => f.Tests.Length)),
            new XAttribute("failures", files.Sum(f => f.Tests.Count(t => !t.Failures.IsEmpty && t.Diagnostics.IsEmpty))),
            new XAttribute("errors", files.Sum(f => f.Tests.Count(t => !t.Diagnostics.IsEmpty) + (f.Diagnostics.IsEmpty ? 0 : 1))));
        foreach (TestFileResult file in files)
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", file.File),
                new XAttribute("tests", file.Tests.Length),
                new XAttribute("failures", file.Tests.Count(t => !t.Failures.IsEmpty && t.Diagnostics.IsEmpty)),
                new XAttribute("errors", file.Tests.Count(t => !t.Diagnostics.IsEmpty) + (file.Diagnostics.IsEmpty ? 0 : 1)));
            if (!file.Diagnostics.IsEmpty)
            {
                suite.Add(new XElement("testcase", new XAttribute("name", "(test file)"), new XAttribute("classname", file.File),
                    new XElement("error", new XAttribute("message", file.Diagnostics[0].Message), string.Join("\n", file.Diagnostics))));
            }

            foreach (TestResult test in file.Tests)
            {
                var element = new XElement("testcase",
                    new XAttribute("name", test.Name),
                    new XAttribute("classname", test.Policy ?? file.File),
                    new XAttribute("file", test.File),
                    new XAttribute("line", test.Line));
                if (!test.Diagnostics.IsEmpty)
                {
                    element.Add(new XElement("error", new XAttribute("message", test.Diagnostics[0].Message), string.Join("\n", test.Diagnostics)));
                }
                else if (!test.Failures.IsEmpty)
                {
                    TestFailure first = test.Failures[0];
                    element.Add(new XElement("failure",
                        new XAttribute("message", $"line {first.Line}: expected {first.Expected}, but {first.Actual}"),
                        string.Join("\n", test.Failures.Select(f => $"line {f.Line}: expected {f.Expected}\nbut {f.Actual}" + string.Concat(f.PolicyLines.Select(l => "\n  " + l))))));
                }

                suite.Add(element);
            }

            suites.Add(suite);
        }

        var settings = new XmlWriterSettings { Indent = true, NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), suites).Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
