/*
 * The floor: what it costs just to read YAML with libyaml, the parser pullcheck uses.
 *
 *     floor FILE...        parse each file
 *     floor -l LIST        parse each file named in LIST (one path a line)
 *
 * Each file is opened with fopen, handed to libyaml with yaml_parser_set_input_file, and its
 * events are pulled with yaml_parser_parse and released with yaml_event_delete until
 * STREAM-END. Nothing else: no tree, no checks, no output. pullcheck's throughput and start-up
 * time are measured against this program (see bench/README.md).
 *
 * Exit status: 0 when every file parsed, 1 when some did not (syntax errors), 2 when a file
 * could not be opened or the arguments are wrong.
 *
 * Build: cc -O2 -o floor floor.c $(pkg-config --cflags --libs yaml-0.1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static int parse_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        return 2;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(file);
        fprintf(stderr, "%s: cannot initialize libyaml\n", path);
        return 2;
    }
    yaml_parser_set_input_file(&parser, file);
    int status = 0;
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            status = 1;
            break;
        }
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    fclose(file);
    return status;
}

static int worst(int a, int b) { return a > b ? a : b; }

int main(int argc, char **argv) {
    int status = 0;
    if (argc == 3 && strcmp(argv[1], "-l") == 0) {
        FILE *list = fopen(argv[2], "r");
        if (list == NULL) {
            perror(argv[2]);
            return 2;
        }
        char *line = NULL;
        size_t capacity = 0;
        ssize_t length;
        while ((length = getline(&line, &capacity, list)) != -1) {
            while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) line[--length] = '\0';
            if (length > 0) status = worst(status, parse_file(line));
        }
        free(line);
        fclose(list);
        return status;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: floor FILE... | floor -l LIST\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) status = worst(status, parse_file(argv[i]));
    return status;
}
