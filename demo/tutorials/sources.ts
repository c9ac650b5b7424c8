/**
 * The five tutorials the demo ports, named as their own pages name them: the title, and
 * the event, author or site where the page gives one, so a reader can find the originals.
 * `name` is the short name the routes and comments use.
 */
export interface Tutorial {
  name: string;
  title: string;
  from?: string;
}

export const TUTORIALS: readonly Tutorial[] = [
  { name: 'French TP', title: 'TP - appareiller une application pour Prometheus' },
  { name: 'PyCon workshop', title: 'Observing Python Applications with Prometheus', from: 'PyConES 2023, by @simpcyclassy and others' },
  { name: 'Flask tutorial', title: 'Application Instrumentation in Practice' },
  { name: 'Japanese tutorial', title: 'PythonのPrometheus Clientを試してみる', from: 'CLOVER🍀, the blog of Kazuhira' },
  { name: 'AYS jobs', title: 'Instrumenting a python application', from: 'a proof of concept on the AYS API server' },
];
