using System.Data.Common;
using System.Globalization;
using System.Text;

namespace TokenQuota.Testing;

/// <summary>Reads every row of a table as sorted text lines, so two reads compare equal exactly when the rows are the same.</summary>
internal static class TableRows
{
    public static List<string> Read(DbConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\";";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row.Append(reader.GetName(i)).Append('=')
                    .Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))
                    .Append('|');
            }

            rows.Add(row.ToString());
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
