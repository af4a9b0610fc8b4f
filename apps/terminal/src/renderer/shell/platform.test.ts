import { resolveHubBase } from './platform';

describe('resolveHubBase', () => {
  it('takes the hub to be one level above /terminal/', () => {
    expect(resolveHubBase('http://127.0.0.1:3000/terminal/')).toBe('http://127.0.0.1:3000/');
    expect(resolveHubBase('http://127.0.0.1:3000/terminal/index.html')).toBe('http://127.0.0.1:3000/');
    expect(resolveHubBase('https://city.example/tsunagu/terminal/')).toBe('https://city.example/tsunagu/');
  });

  it('honours ?hub= and an explicit override', () => {
    expect(resolveHubBase('http://localhost:5173/terminal/?hub=http://10.0.0.2:3000')).toBe('http://10.0.0.2:3000/');
    expect(resolveHubBase('file:///opt/tsunagu/index.html', 'http://hub.local:3000')).toBe('http://hub.local:3000/');
  });
});
